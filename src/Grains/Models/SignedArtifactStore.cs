using Microsoft.Extensions.Logging;

namespace SelfDissonance.Models;

/// <summary>
/// Signs every artifact written (HMAC-SHA256, <see cref="ArtifactSigner"/>) and refuses every read whose bytes do not carry
/// a valid signature, after the inner store's SHA-256 check (callers that load models count the refusal in sd.artifacts.integrity_failures). A reference without a signature is refused too: stripping it
/// must not be a way around the check.
/// </summary>
public sealed partial class SignedArtifactStore(IArtifactStore inner, ArtifactSigner signer, ILogger<SignedArtifactStore> logger) : IArtifactStore
{
    public async Task<ArtifactRef> PutAsync(string key, ReadOnlyMemory<byte> content, CancellationToken cancellationToken = default)
    {
        var stored = await inner.PutAsync(key, content, cancellationToken);
        return stored with { Signature = signer.Sign(key, content.Span) };
    }

    public async Task<byte[]> GetVerifiedAsync(ArtifactRef artifact, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(artifact);
        var bytes = await inner.GetVerifiedAsync(artifact, cancellationToken);
        if (!signer.Verify(artifact.Key, bytes, artifact.Signature))
        {
            LogBadSignature(logger, artifact.Key, artifact.Signature is null ? "missing" : "invalid");
            throw new ArtifactIntegrityException(artifact.Key, "a valid signature", artifact.Signature is null ? "none" : "an invalid one", "HMAC-SHA256");
        }

        return bytes;
    }

    public Task<bool> ExistsAsync(string key, CancellationToken cancellationToken = default) => inner.ExistsAsync(key, cancellationToken);

    public Task DeleteAsync(string key, CancellationToken cancellationToken = default) => inner.DeleteAsync(key, cancellationToken);

    public string Describe() => $"{inner.Describe()}, HMAC-SHA256 signed";

    [LoggerMessage(Level = LogLevel.Error, Message = "Artifact {Key} refused: {State} HMAC-SHA256 signature (replaced by someone without the signing key?)")]
    private static partial void LogBadSignature(ILogger logger, string key, string state);
}
