namespace SelfDissonance.Models;

/// <summary>
/// Write-once storage for model and dataset artifacts. Every read is verified against the SHA-256 recorded at write
/// time; a mismatch throws <see cref="ArtifactIntegrityException"/> and the bytes are never returned.
/// </summary>
public interface IArtifactStore
{
    /// <summary>Stores <paramref name="content"/> under <paramref name="key"/> if nothing is there. Writing the same bytes again
    /// returns the existing reference; different bytes under an existing key throw <see cref="ArtifactConflictException"/>.</summary>
    Task<ArtifactRef> PutAsync(string key, ReadOnlyMemory<byte> content, CancellationToken cancellationToken = default);

    /// <summary>The artifact's bytes, after checking their SHA-256 against <paramref name="artifact"/>.</summary>
    Task<byte[]> GetVerifiedAsync(ArtifactRef artifact, CancellationToken cancellationToken = default);

    Task<bool> ExistsAsync(string key, CancellationToken cancellationToken = default);

    /// <summary>Removes an artifact no reference points to any more (erasure); nothing happens when it is not there.</summary>
    Task DeleteAsync(string key, CancellationToken cancellationToken = default);

    /// <summary>Where artifacts live, for logs and health output (no secrets).</summary>
    string Describe();
}
