using System.Collections.Immutable;

namespace SelfDissonance;

/// <summary>
/// A refusal the caller can act on: a stable reason code, the HTTP status it maps to and, for validation
/// failures, the offending fields. Thrown by grains and turned into application/problem+json by the gateway.
/// </summary>
[GenerateSerializer]
public sealed class DomainException : Exception
{
    public DomainException(string reason, int status, string title, string? detail = null, ImmutableArray<FieldError> errors = default)
        : base(detail ?? title)
    {
        Reason = reason;
        Status = status;
        Title = title;
        Detail = detail;
        Errors = errors.IsDefault ? [] : errors;
    }

    [Id(0)] public string Reason { get; private set; }

    [Id(1)] public int Status { get; private set; }

    [Id(2)] public string Title { get; private set; }

    [Id(3)] public string? Detail { get; private set; }

    [Id(4)] public ImmutableArray<FieldError> Errors { get; private set; }

    /// <summary>A 5xx refusal (queue full, model unavailable): the same request may succeed later.</summary>
    public bool IsTransient => Status >= 500;

    public static DomainException BadRequest(string reason, string title, string? detail = null, ImmutableArray<FieldError> errors = default) =>
        new(reason, 400, title, detail, errors);

    public static DomainException NotFound(string reason, string title, string? detail = null) => new(reason, 404, title, detail);

    public static DomainException Conflict(string reason, string title, string? detail = null) => new(reason, 409, title, detail);

    public static DomainException Unavailable(string reason, string title, string? detail = null) => new(reason, 503, title, detail);

    // The refusals several grains and the gateway share, worded once.
    public static DomainException TaskNotFound(string taskId) =>
        NotFound(ReasonCodes.TaskNotFound, "No such task.", $"Task '{Ids.Printable(taskId)}' does not exist.");

    public static DomainException NotBootstrapped(string taskId) =>
        Conflict(ReasonCodes.NotBootstrapped, "The task has not been bootstrapped.", $"POST /v1/tasks/{Ids.Printable(taskId)}/bootstrap first.");

    public static DomainException EpisodeNotFound(string episodeId) =>
        NotFound(ReasonCodes.EpisodeNotFound, "No such episode.", $"Episode '{Ids.Printable(episodeId)}' has not run (a queued episode may still be waiting).");

    public static DomainException InvalidEpisodeId(string episodeId, string? field = null) =>
        BadRequest(ReasonCodes.InvalidId, "The episode id is not valid.", $"'{Ids.Printable(episodeId)}' breaks the rule: {Ids.EpisodeIdRule}.", field is null ? default : [new FieldError(field, Ids.EpisodeIdRule)]);

    public static DomainException UnknownLabel(string label, IReadOnlyList<string> classes, string field = "label") =>
        BadRequest(ReasonCodes.UnknownLabel, "The label is not one of the task's classes.", $"'{Ids.Printable(label)}' is not in [{string.Join(", ", classes)}].",
            [new FieldError(field, "Unknown class.", string.Join(", ", classes))]);
}
