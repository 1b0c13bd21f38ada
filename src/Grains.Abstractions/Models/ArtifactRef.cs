namespace SelfDissonance.Models;

/// <summary>
/// Where an artifact lives, the SHA-256 (lowercase hex) it must have when loaded and its HMAC-SHA256 signature
/// (lowercase hex, over the key and the bytes, with the silos' signing key). A recomputed SHA-256 cannot forge the signature.
/// </summary>
[GenerateSerializer, Immutable]
public sealed record ArtifactRef(
    [property: Id(0)] string Key,
    [property: Id(1)] string Sha256,
    [property: Id(2)] long Bytes,
    [property: Id(3)] string? Signature = null);
