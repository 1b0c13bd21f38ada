namespace SelfDissonance.Learning;

/// <summary>A step the trust region considered: the candidate's weight in the mixture (1: the whole candidate) and its mean KL from production.</summary>
[GenerateSerializer, Immutable]
public sealed record TrustRegionStep(
    [property: Id(0)] double Weight,
    [property: Id(1)] double Kl,
    [property: Id(2)] bool WithinBound);
