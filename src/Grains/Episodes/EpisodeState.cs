namespace SelfDissonance.Episodes;

[GenerateSerializer, Immutable]
public sealed record EpisodeState
{
    [Id(0)] public EpisodeRecord? Record { get; init; }

    /// <summary>True from the moment a learnable episode is stored until its learning event is known to be published.
    /// Re-publishing after a crash is harmless: the learner ignores an id it has seen.</summary>
    [Id(1)] public bool PendingPublish { get; init; }

    /// <summary>The episode was erased: no record is kept, and the id is never run again (a late queued delivery is dropped).</summary>
    [Id(2)] public bool Erased { get; init; }
}
