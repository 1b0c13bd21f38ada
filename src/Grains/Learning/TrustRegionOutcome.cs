using System.Collections.Immutable;
using SelfDissonance.Learning.Ml;

namespace SelfDissonance.Learning;

/// <summary>The chosen model (or, when nothing fitted, the closest one tried) and the search's trace.</summary>
public sealed record TrustRegionOutcome(
    TrainedModel Model,
    double AnchorWeight,
    double? Kl,
    bool WithinBound,
    ImmutableArray<TrustRegionStep> Steps,
    int Fits,
    TimeSpan Duration,
    int AnchorRows);
