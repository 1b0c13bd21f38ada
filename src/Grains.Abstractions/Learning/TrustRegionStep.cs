namespace SelfDissonance.Learning;

/// <summary>One fit of the trust-region search: the anchor weight tried and the KL it gave.</summary>
[GenerateSerializer, Immutable]
public sealed record TrustRegionStep(
    [property: Id(0)] double AnchorWeight,
    [property: Id(1)] double Kl,
    [property: Id(2)] bool WithinBound);
