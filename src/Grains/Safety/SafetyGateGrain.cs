using System.Runtime.InteropServices;
using Orleans.Concurrency;
using SelfDissonance.Policy;
using SelfDissonance.Runtime;

namespace SelfDissonance.Safety;

[StatelessWorker]
public sealed class SafetyGateGrain(TaskRuntimeCache cache) : Grain, ISafetyGateGrain
{
    /// <summary>Reported z-scores are capped so an infinitely far value (a changed constant feature) stays serializable.</summary>
    private const double MaxReportedZ = 1e9;

    public async Task<GateVerdict> CheckAsync(GateRequest request)
    {
        var runtime = await cache.GetRequiredAsync(request.TaskId);
        var policy = runtime.Policy.Policy;
        var reasons = SafetyRules.Evaluate(
            runtime.Definition,
            runtime.Task.Statistics,
            policy,
            ImmutableCollectionsMarshal.AsArray(request.Features),
            request.Label,
            request.Dissonance,
            out var maxZ);

        if (reasons.IsEmpty && SafetyRules.SpendsBudget(policy, request.Dissonance, request.Label)
            && !await GrainFactory.GetGrain<IMetaControllerGrain>(request.TaskId).TryConsumeBudgetAsync())
        {
            reasons = [GateReasons.BudgetExhausted];
        }

        return new GateVerdict(reasons.IsEmpty, reasons, Math.Min(maxZ, MaxReportedZ));
    }
}
