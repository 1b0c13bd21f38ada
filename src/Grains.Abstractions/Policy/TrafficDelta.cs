using System.Collections.Immutable;

namespace SelfDissonance.Policy;

/// <summary>Episode counts a silo gathered since its last flush; the meta-controller keeps the totals.</summary>
[GenerateSerializer, Immutable]
public sealed record TrafficDelta(
    [property: Id(0)] long Episodes,
    [property: Id(1)] long Learnable,
    [property: Id(2)] double DissonanceSum,
    [property: Id(3)] ImmutableDictionary<string, long> BlockedByReason,
    [property: Id(4)] ImmutableArray<long> DissonanceHistogram);
