using System.Collections.Immutable;

namespace SelfDissonance.Episodes;

/// <summary>One input for the loop, already checked against the task's schema: features in task order.</summary>
[GenerateSerializer, Immutable]
public sealed record EpisodeRequest(
    [property: Id(0)] string TaskId,
    [property: Id(1)] string EpisodeId,
    [property: Id(2)] ImmutableArray<float> Features,
    [property: Id(3)] string? Label,
    [property: Id(4)] EpisodeSource Source,
    [property: Id(5)] DateTimeOffset SubmittedAt);
