using System.Collections.Immutable;

namespace SelfDissonance.Policy;

[GenerateSerializer, Immutable]
public sealed record MetaControllerState
{
    [Id(0)] public TaskPolicy? Policy { get; init; }
    [Id(1)] public long Revision { get; init; }
    [Id(2)] public DateTimeOffset UpdatedAt { get; init; }
    [Id(3)] public ImmutableList<PolicyChange> History { get; init; } = [];
    [Id(4)] public BudgetWindow Budget { get; init; } = BudgetWindow.Empty;
    [Id(5)] public long Episodes { get; init; }
    [Id(6)] public long Learnable { get; init; }
    [Id(7)] public double DissonanceSum { get; init; }
    [Id(8)] public ImmutableDictionary<string, long> BlockedByReason { get; init; } = ImmutableDictionary<string, long>.Empty;
    [Id(9)] public ImmutableArray<long> DissonanceHistogram { get; init; } = [];
    [Id(10)] public ImmutableList<TrafficPoint> Samples { get; init; } = [];

    /// <summary>Episodes per minute over the rolling hour: what the budget's share is taken of.</summary>
    [Id(11)] public BudgetWindow Traffic { get; init; } = BudgetWindow.Empty;
}
