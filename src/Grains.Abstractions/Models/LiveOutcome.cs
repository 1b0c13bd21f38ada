namespace SelfDissonance.Models;

/// <summary>Live accuracy counts for one version gathered by a silo since its last flush.</summary>
[GenerateSerializer, Immutable]
public sealed record LiveOutcome(
    [property: Id(0)] int Version,
    [property: Id(1)] long Correct,
    [property: Id(2)] long Total);
