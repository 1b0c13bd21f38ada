using SelfDissonance.Security;

namespace SelfDissonance.Silo.Security;

/// <summary>POST /v1/keys. Tasks empty or absent: every task. PermitsPerSecond absent: the configured default rate.</summary>
public sealed record CreateKeyRequest(string Name, IReadOnlyList<string> Scopes, IReadOnlyList<string>? Tasks = null, int? PermitsPerSecond = null);

/// <summary>A key as listed: never its secret or hash.</summary>
public sealed record KeyResponse(
    string Id,
    string Name,
    IReadOnlyList<string> Scopes,
    IReadOnlyList<string> Tasks,
    int? PermitsPerSecond,
    DateTimeOffset CreatedAt,
    string CreatedBy,
    DateTimeOffset? RevokedAt,
    string? RevokedBy)
{
    public static KeyResponse From(ApiKeyRecord key) =>
        new(key.Id, key.Name, key.Scopes, key.Tasks, key.PermitsPerSecond, key.CreatedAt, key.CreatedBy, key.RevokedAt, key.RevokedBy);
}

/// <summary>The answer to POST /v1/keys: the only time the secret is shown.</summary>
public sealed record CreatedKeyResponse(string Key, KeyResponse Details);

public sealed record KeyListResponse(IReadOnlyList<KeyResponse> Keys);

public sealed record AuditEntryResponse(DateTimeOffset At, string Who, string Action, string? Task, string Detail, string? From);

/// <summary>The audit trail of a task, or (task null) of the service's keys; oldest first.</summary>
public sealed record AuditResponse(string? Task, IReadOnlyList<AuditEntryResponse> Entries);

/// <summary>POST /login with a JSON body (the sign-in page's script); a form post sends the field "key".</summary>
public sealed record LoginRequest(string Key);
