namespace SelfDissonance.Episodes;

/// <summary>The critic's distribution and how far it is from the proposer's.</summary>
[GenerateSerializer, Immutable]
public sealed record Critique(
    [property: Id(0)] Prediction Prediction,
    [property: Id(1)] int Version,
    [property: Id(2)] double Dissonance,
    [property: Id(3)] double JsDivergence,
    [property: Id(4)] bool Top1Disagreement);
