using System.Security.Cryptography;
using System.Text;

namespace SelfDissonance.Models;

/// <summary>HMAC-SHA256 over an artifact's key and bytes, so a replaced blob is refused even when its recorded SHA-256 was replaced too.</summary>
public sealed class ArtifactSigner
{
    private readonly byte[] _key;

    public ArtifactSigner(byte[] key)
    {
        ArgumentNullException.ThrowIfNull(key);
        _key = key.Length >= ArtifactSigningOptions.MinKeyBytes
            ? [.. key]
            : throw new ArgumentException($"The artifact signing key must have at least {ArtifactSigningOptions.MinKeyBytes} bytes.", nameof(key));
    }

    public string Sign(string artifactKey, ReadOnlySpan<byte> content) => Convert.ToHexStringLower(Mac(artifactKey, content));

    public bool Verify(string artifactKey, ReadOnlySpan<byte> content, string? signature)
    {
        if (signature is not { Length: 64 })
        {
            return false;
        }

        Span<byte> given = stackalloc byte[32];
        if (Convert.FromHexString(signature, given, out _, out var written) != System.Buffers.OperationStatus.Done || written != 32)
        {
            return false;
        }

        return CryptographicOperations.FixedTimeEquals(Mac(artifactKey, content), given);
    }

    private byte[] Mac(string artifactKey, ReadOnlySpan<byte> content)
    {
        // The key name is bound in, so a validly signed artifact cannot be moved under another version's key.
        using var hmac = IncrementalHash.CreateHMAC(HashAlgorithmName.SHA256, _key);
        hmac.AppendData(Encoding.UTF8.GetBytes(artifactKey));
        hmac.AppendData([0]);
        hmac.AppendData(content);
        return hmac.GetHashAndReset();
    }
}
