using System.ComponentModel.DataAnnotations;

namespace SelfDissonance.Client;

/// <summary>
/// Mutual TLS between silos and between cluster clients and silos. Configuration section <c>SelfDissonance:Tls</c>.
/// Every connection must present a certificate: one that chains to <see cref="CaPath"/> when it is set, otherwise the
/// very certificate this process holds (one cluster certificate shared by every silo and client).
/// </summary>
public sealed class SelfDissonanceTlsOptions : IValidatableObject
{
    /// <summary>The configuration section these options are bound from.</summary>
    public const string SectionName = "SelfDissonance:Tls";

    /// <summary>Turns TLS on for the silo and gateway ports (silo) or the gateway connections (client).</summary>
    public bool Enabled { get; set; }

    /// <summary>PEM certificate of this process (a Kubernetes TLS secret's <c>tls.crt</c>); certificates after the first are intermediates.</summary>
    public string? CertificatePath { get; set; }

    /// <summary>PEM private key (<c>tls.key</c>). When unset, the key is read from <see cref="CertificatePath"/>.</summary>
    public string? KeyPath { get; set; }

    /// <summary>
    /// Optional PEM bundle of the certificate authorities a peer's certificate must chain to (<c>ca.crt</c>). When unset,
    /// a peer must present the same certificate as this process.
    /// </summary>
    public string? CaPath { get; set; }

    /// <inheritdoc />
    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (!Enabled)
        {
            yield break;
        }

        foreach (var (name, path, required) in new[] { (nameof(CertificatePath), CertificatePath, true), (nameof(KeyPath), KeyPath, false), (nameof(CaPath), CaPath, false) })
        {
            if (string.IsNullOrWhiteSpace(path))
            {
                if (required)
                {
                    yield return new ValidationResult($"{SectionName}:Enabled is true but {SectionName}:{name} is not set.", [name]);
                }
            }
            else if (Unreadable(path) is { } reason)
            {
                yield return new ValidationResult($"{SectionName}:{name} '{path}' cannot be read: {reason}", [name]);
            }
        }
    }

    /// <summary>Paths only: the files' contents (the key above all) never appear in logs.</summary>
    /// <returns>The settings.</returns>
    public override string ToString() =>
        $"Enabled={Enabled}, CertificatePath={CertificatePath}, KeyPath={KeyPath ?? "(in the certificate file)"}, CaPath={CaPath ?? "(none: peers must present this certificate)"}";

    private static string? Unreadable(string path)
    {
        try
        {
            using var _ = File.OpenRead(path);
            return null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or NotSupportedException or ArgumentException)
        {
            return e.Message;
        }
    }
}
