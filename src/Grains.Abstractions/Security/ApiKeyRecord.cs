using System.Collections.Immutable;

namespace SelfDissonance.Security;

/// <summary>
/// A stored API key: never the secret, only its salted PBKDF2 hash. <see cref="Tasks"/> empty means every task.
/// </summary>
[GenerateSerializer, Immutable]
public sealed record ApiKeyRecord(
    [property: Id(0)] string Id,
    [property: Id(1)] string Name,
    [property: Id(2)] ImmutableArray<string> Scopes,
    [property: Id(3)] ImmutableArray<string> Tasks,
    [property: Id(4)] ImmutableArray<byte> Salt,
    [property: Id(5)] ImmutableArray<byte> Hash,
    [property: Id(6)] int Iterations,
    [property: Id(7)] DateTimeOffset CreatedAt,
    [property: Id(8)] string CreatedBy,
    [property: Id(9)] DateTimeOffset? RevokedAt,
    [property: Id(10)] string? RevokedBy,
    [property: Id(11)] int? PermitsPerSecond)
{
    public bool IsRevoked => RevokedAt is not null;
}
