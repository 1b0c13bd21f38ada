using System.Collections.Immutable;

namespace SelfDissonance.Policy;

/// <summary>A task's traffic totals, lambda and budget left at one moment: one point of its history.</summary>
[GenerateSerializer, Immutable]
public sealed record TrafficPoint(
    [property: Id(0)] DateTimeOffset At,
    [property: Id(1)] long Episodes,
    [property: Id(2)] long Learnable,
    [property: Id(3)] double MeanDissonance,
    [property: Id(4)] double Lambda,
    [property: Id(5)] double BudgetLeft,
    [property: Id(6)] ImmutableDictionary<string, long> BlockedByReason);
