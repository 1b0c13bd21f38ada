namespace SelfDissonance.Models;

/// <summary>A trained candidate whose artifact is already written; the registry numbers it and decides its stage.</summary>
[GenerateSerializer, Immutable]
public sealed record RegisterCandidate(
    [property: Id(0)] ArtifactRef Artifact,
    [property: Id(1)] ModelLineage Lineage,
    [property: Id(2)] string By,
    [property: Id(3)] string Reason);
