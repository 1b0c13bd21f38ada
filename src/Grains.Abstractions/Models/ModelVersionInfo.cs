namespace SelfDissonance.Models;

/// <summary>One registered version of a model lineage.</summary>
[GenerateSerializer, Immutable]
public sealed record ModelVersionInfo(
    [property: Id(0)] string TaskId,
    [property: Id(1)] ModelRole Role,
    [property: Id(2)] int Version,
    [property: Id(3)] ModelStage Stage,
    [property: Id(4)] ArtifactRef Artifact,
    [property: Id(5)] ModelLineage Lineage,
    [property: Id(6)] DateTimeOffset CreatedAt,
    [property: Id(7)] LiveAccuracy Live);
