namespace SelfDissonance.Episodes;

[GenerateSerializer, Immutable]
public sealed record FeedbackResult(
    [property: Id(0)] string EpisodeId,
    [property: Id(1)] string Label,
    [property: Id(2)] bool Learnable,
    [property: Id(3)] bool Duplicate);
