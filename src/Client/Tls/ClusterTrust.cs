using System.ComponentModel.DataAnnotations;
using System.Net.Security;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Orleans.Connections.Security;

namespace SelfDissonance.Client;

/// <summary>
/// This process's certificate and the rule a peer's certificate must meet, loaded once from
/// <see cref="SelfDissonanceTlsOptions"/>; the one place where silos and cluster clients get their TLS settings.
/// </summary>
internal sealed class ClusterTrust
{
    private const string ServerAuthentication = "1.3.6.1.5.5.7.3.1";
    private const string ClientAuthentication = "1.3.6.1.5.5.7.3.2";

    private readonly X509Certificate2Collection _authorities;
    private readonly X509Certificate2Collection _intermediates;

    private ClusterTrust(X509Certificate2 certificate, X509Certificate2Collection authorities, X509Certificate2Collection intermediates)
    {
        Certificate = certificate;
        _authorities = authorities;
        _intermediates = intermediates;
    }

    public X509Certificate2 Certificate { get; }

    public bool UsesAuthority => _authorities.Count > 0;

    /// <summary>Set when the host starts: TLS is configured before the container exists, refusals happen after.</summary>
    public ILogger? Logger { get; set; }

    /// <summary>
    /// Loads the certificate and registers it (and the startup log line) in <paramref name="services"/>, once per
    /// container; null when TLS is off or already registered, so a profile that calls this again changes nothing.
    /// </summary>
    public static ClusterTrust? Register(IServiceCollection services, SelfDissonanceTlsOptions options, bool silo)
    {
        if (!options.Enabled || services.Any(d => d.ServiceType == typeof(ClusterTrust)))
        {
            return null;
        }

        var trust = Load(options, silo);
        services.AddSingleton(trust);
        services.AddHostedService<ClusterTlsStartup>();
        return trust;
    }

    public static ClusterTrust Load(SelfDissonanceTlsOptions options, bool silo)
    {
        const string section = SelfDissonanceTlsOptions.SectionName;
        var errors = new List<ValidationResult>();
        if (!Validator.TryValidateObject(options, new ValidationContext(options), errors, validateAllProperties: true))
        {
            throw new InvalidOperationException(string.Join(" ", errors.Select(e => e.ErrorMessage)));
        }

        var certificatePath = options.CertificatePath!;
        var keyPath = string.IsNullOrWhiteSpace(options.KeyPath) ? null : options.KeyPath;
        X509Certificate2 certificate;
        X509Certificate2Collection inCertificateFile;
        try
        {
            certificate = X509Certificate2.CreateFromPemFile(certificatePath, keyPath);
            inCertificateFile = [];
            inCertificateFile.ImportFromPemFile(certificatePath);
        }
        catch (Exception e) when (e is CryptographicException or ArgumentException)
        {
            // The exception's message names what is wrong, never the file's content.
            throw new InvalidOperationException(
                $"{section}:CertificatePath '{certificatePath}' and {section}:KeyPath '{keyPath ?? certificatePath}' must hold a PEM certificate and its matching private key: {e.Message}", e);
        }

        if (OperatingSystem.IsWindows())
        {
            // SChannel does not take the ephemeral key CreateFromPemFile makes; a PKCS#12 round trip gives it a real one.
            using var ephemeral = certificate;
            certificate = X509CertificateLoader.LoadPkcs12(ephemeral.Export(X509ContentType.Pkcs12), password: null);
        }

        var now = DateTime.Now;
        if (now > certificate.NotAfter || now < certificate.NotBefore)
        {
            throw new InvalidOperationException($"{section}:CertificatePath '{certificatePath}': the certificate is valid from {certificate.NotBefore:o} to {certificate.NotAfter:o}, not now.");
        }

        foreach (var (oid, use, needed) in new[] { (ClientAuthentication, "client", true), (ServerAuthentication, "server", silo) })
        {
            if (needed && !AllowsUsage(certificate, oid))
            {
                throw new InvalidOperationException($"{section}:CertificatePath '{certificatePath}': the certificate's extended key usage does not include {use} authentication ({oid}), which mutual TLS needs.");
            }
        }

        // Certificates after the first in tls.crt are intermediates: every peer holds the same chain, so they help build theirs.
        X509Certificate2Collection intermediates = [.. inCertificateFile.Skip(1)];
        X509Certificate2Collection authorities = [];
        if (!string.IsNullOrWhiteSpace(options.CaPath))
        {
            try
            {
                authorities.ImportFromPemFile(options.CaPath);
            }
            catch (CryptographicException e)
            {
                throw new InvalidOperationException($"{section}:CaPath '{options.CaPath}' must hold PEM certificates: {e.Message}", e);
            }

            if (authorities.Count == 0)
            {
                throw new InvalidOperationException($"{section}:CaPath '{options.CaPath}' holds no PEM certificate.");
            }
        }

        var trust = new ClusterTrust(certificate, authorities, intermediates);
        if (trust.UsesAuthority && trust.Refusal(certificate, null) is { } ownRefusal)
        {
            throw new InvalidOperationException($"{section}:CertificatePath '{certificatePath}' does not chain to {section}:CaPath '{options.CaPath}' ({ownRefusal}): every peer would refuse it.");
        }

        return trust;
    }

    /// <summary>Mutual TLS on every connection: a certificate is always sent and always required.</summary>
    public void Apply(TlsOptions tls)
    {
        tls.LocalCertificate = Certificate;
        tls.RemoteCertificateMode = RemoteCertificateMode.RequireCertificate;
        tls.ClientCertificateMode = RemoteCertificateMode.RequireCertificate;
        // Host names are not checked: silos are reached on pod IPs, and trust comes from the CA or the shared certificate.
        tls.RemoteCertificateValidation = Validate;
    }

    public string Rule => UsesAuthority
        ? $"chain to one of {_authorities.Count} configured certificate authorities"
        : "be this process's own certificate";

    private bool Validate(X509Certificate2 peer, X509Chain? chain, SslPolicyErrors errors)
    {
        if (Refusal(peer, chain) is not { } reason)
        {
            return true;
        }

        if (Logger is { } logger)
        {
            ClusterTlsLog.PeerRefused(logger, peer.Subject, peer.Thumbprint, reason);
        }

        return false;
    }

    private string? Refusal(X509Certificate2 peer, X509Chain? presented)
    {
        if (!UsesAuthority)
        {
            var now = DateTime.Now;
            return !peer.RawDataMemory.Span.SequenceEqual(Certificate.RawDataMemory.Span) ? "is not the cluster certificate"
                : now > peer.NotAfter || now < peer.NotBefore ? "has expired or is not valid yet"
                : null;
        }

        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.AddRange(_authorities);
        chain.ChainPolicy.ExtraStore.AddRange(_intermediates);
        if (presented is not null)
        {
            // What the peer sent besides its own certificate.
            chain.ChainPolicy.ExtraStore.AddRange(presented.ChainPolicy.ExtraStore);
        }

        // Cluster certificates are short-lived and come from a private CA without a revocation endpoint.
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        var built = chain.Build(peer);
        foreach (var element in chain.ChainElements)
        {
            element.Certificate.Dispose();
        }

        return built ? null : "does not chain to a configured certificate authority: " + string.Join("; ", chain.ChainStatus.Select(s => s.StatusInformation.Trim()).Distinct());
    }

    private static bool AllowsUsage(X509Certificate2 certificate, string oid) =>
        certificate.Extensions.OfType<X509EnhancedKeyUsageExtension>().FirstOrDefault() is not { } usage
        || usage.EnhancedKeyUsages.Cast<Oid>().Any(o => o.Value == oid);
}
