using System.Collections.Immutable;

namespace SelfDissonance.Learning;

/// <summary>
/// What an episode grain publishes on the task's learning stream. The top classes and their probabilities are those the
/// episode was answered with, so the label-noise guard decides alike when the log is replayed (-1: not recorded).
/// <paramref name="TraceParent"/> is the W3C traceparent of the episode's span (null when it was not traced): the
/// learner continues the episode's trace across the stream hop and links its learning cycle to the episodes it trained on.
/// </summary>
[GenerateSerializer, Immutable]
public sealed record LearningEvent(
    [property: Id(0)] LearningEventKind Kind,
    [property: Id(1)] string EpisodeId,
    [property: Id(2)] ImmutableArray<float> Features,
    [property: Id(3)] int? Label,
    [property: Id(4)] int CriticTopClass,
    [property: Id(5)] double Dissonance,
    [property: Id(6)] int ProposerVersion,
    [property: Id(7)] DateTimeOffset At,
    [property: Id(8)] int ProposerTopClass = -1,
    [property: Id(9)] double ProposerConfidence = 0,
    [property: Id(10)] double CriticConfidence = 0,
    [property: Id(11)] string? TraceParent = null);
