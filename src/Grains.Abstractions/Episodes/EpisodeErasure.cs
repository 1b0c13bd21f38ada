namespace SelfDissonance.Episodes;

/// <summary>What erasing an episode removed: the record, and its row from the learner when it had taken one.</summary>
[GenerateSerializer, Immutable]
public sealed record EpisodeErasure(
    [property: Id(0)] string EpisodeId,
    [property: Id(1)] string TaskId,
    [property: Id(2)] bool RemovedFromLearner);
