using System.Collections.Immutable;
using SelfDissonance.Learning.Ml;

namespace SelfDissonance.Learning;

/// <summary>
/// The model a trust-region step promotes (the candidate, or a mixture toward it) and how far it went:
/// <paramref name="Step"/> is the candidate's weight (1: the whole candidate; 0: no step, <paramref name="Rejection"/> says why).
/// </summary>
public sealed record TrustRegionOutcome(
    TrainedModel Model,
    double Step,
    double? PlainKl,
    double? Kl,
    double GoldenAccuracy,
    double? ProductionGoldenAccuracy,
    bool WithinBound,
    string? Rejection,
    ImmutableArray<TrustRegionStep> Steps,
    TimeSpan Duration);
