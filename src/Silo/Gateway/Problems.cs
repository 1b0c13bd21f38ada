using Microsoft.AspNetCore.Mvc;

namespace SelfDissonance.Silo.Gateway;

/// <summary>application/problem+json with a stable reason code and, for validation failures, the offending fields.</summary>
public static class Problems
{
    public const string ContentType = "application/problem+json";

    public static ProblemDetails Create(HttpContext context, int status, string reason, string title, string? detail, IReadOnlyList<FieldError>? errors = null)
    {
        var problem = new ProblemDetails
        {
            Type = $"https://selfdissonance.dev/problems/{reason}",
            Title = title,
            Status = status,
            Detail = detail,
            Instance = context.Request.Path,
        };
        problem.Extensions["reason"] = reason;
        problem.Extensions["traceId"] = System.Diagnostics.Activity.Current?.TraceId.ToString() ?? context.TraceIdentifier;
        if (errors is { Count: > 0 })
        {
            problem.Extensions["errors"] = errors.Select(e => new Dictionary<string, string?> { ["field"] = e.Field, ["message"] = e.Message, ["allowed"] = e.Allowed }).ToList();
        }

        return problem;
    }

    public static Task WriteAsync(HttpContext context, int status, string reason, string title, string? detail, IReadOnlyList<FieldError>? errors = null)
    {
        context.Response.StatusCode = status;
        var problem = Create(context, status, reason, title, detail, errors);
        return context.Response.WriteAsJsonAsync(problem, GatewayJson.Responses, ContentType);
    }

    public static Task WriteAsync(HttpContext context, DomainException e) =>
        WriteAsync(context, e.Status, e.Reason, e.Title, e.Detail, e.Errors);
}
