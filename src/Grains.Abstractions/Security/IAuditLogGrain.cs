using System.Collections.Immutable;
using Orleans.Concurrency;

namespace SelfDissonance.Security;

/// <summary>
/// The audit trail of one task (keyed by task id), or of the service itself (key <see cref="ServiceKey"/>: API keys).
/// Bounded: the newest <see cref="MaxEntries"/> entries are kept.
/// </summary>
[Alias("sd.IAuditLogGrain")]
public interface IAuditLogGrain : IGrainWithStringKey
{
    /// <summary>Not a valid task id, so it never collides with one.</summary>
    public const string ServiceKey = "~service";

    public const int MaxEntries = 1000;

    [Alias("Append")]
    Task AppendAsync(AuditEntry entry);

    /// <summary>Oldest first.</summary>
    [AlwaysInterleave]
    [Alias("List")]
    Task<ImmutableArray<AuditEntry>> ListAsync();
}
