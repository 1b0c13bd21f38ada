namespace SelfDissonance.Security;

/// <summary>
/// One audited change: who (key id, JWT subject or "system"), when, what, on which task, and from which address
/// (null for changes the cluster made by itself).
/// </summary>
[GenerateSerializer, Immutable]
public sealed record AuditEntry(
    [property: Id(0)] DateTimeOffset At,
    [property: Id(1)] string Who,
    [property: Id(2)] string Action,
    [property: Id(3)] string? Task,
    [property: Id(4)] string Detail,
    [property: Id(5)] string? From);
