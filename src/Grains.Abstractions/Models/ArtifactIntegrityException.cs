namespace SelfDissonance.Models;

/// <summary>An artifact's bytes do not match the SHA-256 recorded when it was written (tampered or corrupted).</summary>
public sealed class ArtifactIntegrityException(string key, string expected, string actual, string check = "SHA-256")
    : Exception($"Artifact '{key}' failed its integrity check: expected {check} {expected}, found {actual}. It is refused and will not be served.")
{
    public string Key { get; } = key;

    public string Expected { get; } = expected;

    public string Actual { get; } = actual;
}
