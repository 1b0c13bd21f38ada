using SelfDissonance.Learning;

namespace SelfDissonance.Runtime;

/// <summary>One live event; <see cref="Kind"/> (a <see cref="TaskEventNames"/> value) says which part is set.</summary>
[GenerateSerializer, Immutable]
public sealed record TaskEventItem(
    [property: Id(0)] string Kind,
    [property: Id(1)] DateTimeOffset At,
    [property: Id(2)] EpisodeOutcome? Episode = null,
    [property: Id(3)] ModelChangeNotice? Model = null,
    [property: Id(4)] LearningCycleResult? Cycle = null,
    [property: Id(5)] DriftNotice? Drift = null);
