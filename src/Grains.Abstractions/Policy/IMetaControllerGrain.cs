using System.Collections.Immutable;
using Orleans.Concurrency;

namespace SelfDissonance.Policy;

/// <summary>Owns and adapts a task's policy, its dissonance budget and policy history. Keyed by task id.</summary>
[Alias("sd.IMetaControllerGrain")]
public interface IMetaControllerGrain : IGrainWithStringKey
{
    /// <summary>Sets the initial policy when the task is created.</summary>
    [Alias("Initialize")]
    Task<PolicySnapshot> InitializeAsync(TaskPolicy policy, string by);

    // Reads interleave with slow writes (bootstrap, training) so they never queue behind them.
    [AlwaysInterleave]
    [Alias("GetPolicy")]
    Task<PolicySnapshot> GetPolicyAsync();

    /// <summary>Validates and applies a change; throws a <see cref="DomainException"/> listing every violation.</summary>
    [Alias("UpdatePolicy")]
    Task<PolicySnapshot> UpdatePolicyAsync(PolicyPatch patch, string by, string reason);

    [Alias("GetHistory")]
    Task<ImmutableArray<PolicyChange>> GetHistoryAsync();

    /// <summary>Counts one learnable episode with d above dTarget against the rolling hour; false when the budget is spent.</summary>
    [Alias("TryConsumeBudget")]
    Task<bool> TryConsumeBudgetAsync();

    /// <summary>The λ controller step after a learning cycle.</summary>
    [Alias("CompleteCycle")]
    Task<LambdaUpdate> CompleteCycleAsync(double meanDissonance, int episodes);

    [Alias("RecordTraffic")]
    Task RecordTrafficAsync(TrafficDelta delta);

    [Alias("GetTraffic")]
    Task<TrafficTotals> GetTrafficAsync();

    /// <summary>Sampled traffic, lambda and budget, oldest first (thinned when long).</summary>
    [Alias("GetTrafficHistory")]
    Task<ImmutableArray<TrafficPoint>> GetTrafficHistoryAsync();
}
