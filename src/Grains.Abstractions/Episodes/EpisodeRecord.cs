using System.Collections.Immutable;
using SelfDissonance.Safety;

namespace SelfDissonance.Episodes;

/// <summary>The full, persisted record of an episode.</summary>
[GenerateSerializer, Immutable]
public sealed record EpisodeRecord(
    [property: Id(0)] string Id,
    [property: Id(1)] string TaskId,
    [property: Id(2)] EpisodeStatus Status,
    [property: Id(3)] EpisodeSource Source,
    [property: Id(4)] ImmutableArray<float> Features,
    [property: Id(5)] string? Label,
    [property: Id(6)] string? FeedbackLabel,
    [property: Id(7)] Proposal? Proposal,
    [property: Id(8)] Critique? Critique,
    [property: Id(9)] GateVerdict? Gate,
    [property: Id(10)] DateTimeOffset SubmittedAt,
    [property: Id(11)] DateTimeOffset? CompletedAt,
    [property: Id(12)] DateTimeOffset? FeedbackAt,
    [property: Id(13)] bool LearningPublished,
    [property: Id(14)] string? Error = null)
{
    /// <summary>The ground-truth label, whether given with the request or later as feedback.</summary>
    public string? TrueLabel => Label ?? FeedbackLabel;
}
