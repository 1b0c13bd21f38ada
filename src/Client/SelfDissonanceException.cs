namespace SelfDissonance.Client;

/// <summary>
/// The service refused a request, answered something that is not a success, or could not be reached. <see cref="Reason"/>
/// is the service's stable reason code (see the README's list) for <c>application/problem+json</c> answers,
/// <c>http_&lt;status&gt;</c> for other failed answers, and <see cref="UnreachableReason"/> when no answer arrived
/// after every allowed attempt (the transport error is the <see cref="Exception.InnerException"/>).
/// </summary>
public sealed class SelfDissonanceException : Exception
{
    /// <summary>The reason of a transport failure: no answer after every allowed attempt.</summary>
    public const string UnreachableReason = "unreachable";

    /// <summary>Creates an exception with a reason code and no answer details.</summary>
    public SelfDissonanceException()
        : this(null, "unknown", null, null, [], null, null)
    {
    }

    /// <summary>Creates an exception with a message only (reason <c>unknown</c>).</summary>
    /// <param name="message">The message.</param>
    public SelfDissonanceException(string message)
        : this(null, "unknown", message, null, [], null, null)
    {
    }

    /// <summary>Creates an exception with a message and inner exception (reason <c>unknown</c>).</summary>
    /// <param name="message">The message.</param>
    /// <param name="innerException">The cause.</param>
    public SelfDissonanceException(string message, Exception innerException)
        : this(null, "unknown", message, null, [], null, innerException)
    {
    }

    /// <summary>Creates an exception from the parts of a problem answer.</summary>
    /// <param name="status">HTTP status, or null when no answer arrived.</param>
    /// <param name="reason">Reason code.</param>
    /// <param name="title">Short, human-readable summary.</param>
    /// <param name="detail">Explanation specific to this request.</param>
    /// <param name="errors">Offending fields of a validation failure.</param>
    /// <param name="traceId">Trace id to quote when reporting the error.</param>
    /// <param name="innerException">The transport error, if any.</param>
    public SelfDissonanceException(int? status, string reason, string? title, string? detail, IReadOnlyList<ProblemFieldError> errors, string? traceId, Exception? innerException)
        : base(Describe(status, reason, title, detail, errors), innerException)
    {
        Status = status;
        Reason = reason;
        Title = title;
        Detail = detail;
        Errors = errors;
        TraceId = traceId;
    }

    /// <summary>HTTP status of the answer; null when no answer arrived (<see cref="UnreachableReason"/>).</summary>
    public int? Status { get; }

    /// <summary>Stable reason code: the problem's <c>reason</c>, <c>http_&lt;status&gt;</c> or <c>unreachable</c>.</summary>
    public string Reason { get; }

    /// <summary>The problem's title.</summary>
    public string? Title { get; }

    /// <summary>The problem's detail.</summary>
    public string? Detail { get; }

    /// <summary>Offending fields of a validation failure; empty otherwise.</summary>
    public IReadOnlyList<ProblemFieldError> Errors { get; }

    /// <summary>The problem's trace id.</summary>
    public string? TraceId { get; }

    private static string Describe(int? status, string reason, string? title, string? detail, IReadOnlyList<ProblemFieldError> errors)
    {
        var text = status is { } s ? $"{s} {reason}" : reason;
        if (!string.IsNullOrEmpty(title))
        {
            text += $": {title}";
        }

        if (!string.IsNullOrEmpty(detail))
        {
            text += $" {detail}";
        }

        if (errors.Count > 0)
        {
            text += " [" + string.Join("; ", errors.Select(e => e.Allowed is null ? $"{e.Field}: {e.Message}" : $"{e.Field}: {e.Message} (allowed: {e.Allowed})")) + "]";
        }

        return text;
    }
}
