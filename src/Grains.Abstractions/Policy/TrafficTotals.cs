using System.Collections.Immutable;

namespace SelfDissonance.Policy;

[GenerateSerializer, Immutable]
public sealed record TrafficTotals(
    [property: Id(0)] long Episodes,
    [property: Id(1)] long Learnable,
    [property: Id(2)] double MeanDissonance,
    [property: Id(3)] ImmutableDictionary<string, long> BlockedByReason,
    [property: Id(4)] ImmutableArray<long> DissonanceHistogram);
