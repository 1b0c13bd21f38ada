namespace SelfDissonance.Models;

/// <summary>Different bytes were written to a key that already holds an artifact: artifacts are never overwritten.</summary>
public sealed class ArtifactConflictException(string key)
    : Exception($"Artifact '{key}' already exists with different content; artifacts are written once and never overwritten.")
{
    public string Key { get; } = key;
}
