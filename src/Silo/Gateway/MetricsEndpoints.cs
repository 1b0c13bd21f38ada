using SelfDissonance.Client.Contracts;
using SelfDissonance.Learning;
using SelfDissonance.Models;
using SelfDissonance.Policy;
using SelfDissonance.Runtime;
using SelfDissonance.Tasks;
using static SelfDissonance.Silo.Gateway.GatewayResults;

namespace SelfDissonance.Silo.Gateway;

public static class MetricsEndpoints
{
    public static RouteGroupBuilder MapTaskMetricsEndpoints(this RouteGroupBuilder v1)
    {
        v1.MapGet("/tasks/{task}/metrics", GetAsync).Describe<TaskMetricsResponse>("TaskMetrics", "Episodes, dissonance, gate blocks, lambda, budget, accuracy per version, learner counters.");
        return v1;
    }

    private static async Task<IResult> GetAsync(string task, IGrainFactory grains)
    {
        var snapshot = await grains.GetGrain<ITaskGrain>(TaskId(task)).GetAsync() ?? throw DomainException.TaskNotFound(task);
        var id = snapshot.Definition.Id;

        // Silos batch their counters; flush every silo first so the answer includes every episode answered so far.
        await FlushAllSilosAsync(grains);
        var meta = grains.GetGrain<IMetaControllerGrain>(id);
        var traffic = await meta.GetTrafficAsync();
        var policy = await meta.GetPolicyAsync();
        var proposers = await grains.GetGrain<IModelRegistryGrain>(ModelRoles.RegistryKey(id, ModelRole.Proposer)).ListAsync();
        var critics = await grains.GetGrain<IModelRegistryGrain>(ModelRoles.RegistryKey(id, ModelRole.Critic)).ListAsync();
        var learner = await grains.GetGrain<ILearnerGrain>(id).GetStatusAsync();

        return Json(new TaskMetricsResponse(
            id,
            traffic.Episodes,
            traffic.Learnable,
            traffic.BlockedByReason,
            traffic.MeanDissonance,
            traffic.DissonanceHistogram,
            policy.Policy.Lambda,
            policy.Policy.DBudgetPerHour,
            policy.BudgetLeft,
            [.. proposers.Select(Responses.Accuracy)],
            [.. critics.Select(Responses.Accuracy)],
            new LearnerMetrics(learner.LabeledRows, learner.PseudoCandidates, learner.PendingLabeled, learner.EventsConsumed, learner.DuplicatesIgnored, learner.Cycles)));
    }

    internal static async Task FlushAllSilosAsync(IGrainFactory grains)
    {
        var hosts = await grains.GetGrain<IManagementGrain>(0).GetHosts(onlyActive: true);
        await Task.WhenAll(hosts.Keys.Select(silo => grains.GetGrain<ISiloAgentGrain>(SiloAgentGrain.KeyFor(silo)).FlushAsync()));
    }
}
