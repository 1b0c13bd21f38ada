namespace SelfDissonance.Episodes;

/// <summary>The reply to an episode; Replayed is true when the id had already run and the stored result is returned.</summary>
[GenerateSerializer, Immutable]
public sealed record EpisodeResult(
    [property: Id(0)] EpisodeRecord Record,
    [property: Id(1)] bool Replayed);
