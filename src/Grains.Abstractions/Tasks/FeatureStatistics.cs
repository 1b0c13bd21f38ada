using System.Collections.Immutable;

namespace SelfDissonance.Tasks;

/// <summary>Per-feature statistics of the rows the production models were trained on; the safety gate's out-of-distribution rule uses them.</summary>
[GenerateSerializer, Immutable]
public sealed record FeatureStatistics(
    [property: Id(0)] ImmutableArray<double> Mean,
    [property: Id(1)] ImmutableArray<double> StdDev,
    [property: Id(2)] ImmutableArray<double> Min,
    [property: Id(3)] ImmutableArray<double> Max,
    [property: Id(4)] long Rows);
