namespace SelfDissonance.Episodes;

[GenerateSerializer, Immutable]
public sealed record Proposal(
    [property: Id(0)] Prediction Prediction,
    [property: Id(1)] int Version,
    [property: Id(2)] bool Canary);
