namespace SelfDissonance.Models;

/// <summary>Where an artifact lives and the SHA-256 (lowercase hex) it must have when loaded.</summary>
[GenerateSerializer, Immutable]
public sealed record ArtifactRef(
    [property: Id(0)] string Key,
    [property: Id(1)] string Sha256,
    [property: Id(2)] long Bytes);
