namespace SelfDissonance.Models;

/// <summary>
/// The key artifacts are signed with. Section "SelfDissonance:Artifacts". Required in the cluster profile (every silo
/// must share it); in the embedded default a key is generated once and kept in <see cref="KeyFile"/>.
/// </summary>
public sealed class ArtifactSigningOptions
{
    public const string Section = "SelfDissonance:Artifacts";

    public const int MinKeyBytes = 32;

    /// <summary>Base64 of at least 32 random bytes (<c>openssl rand -base64 32</c>). A secret: never logged, redacted by ToString.</summary>
    public string? SigningKey { get; set; }

    /// <summary>Where the embedded default keeps its generated key; defaults to DataDirectory/keys/artifact-signing.key.</summary>
    public string? KeyFile { get; set; }

    public override string ToString() => $"ArtifactSigningOptions {{ SigningKey = {(SigningKey is null ? "(none)" : "***")}, KeyFile = {KeyFile ?? "(default)"} }}";
}
