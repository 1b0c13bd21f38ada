using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using SelfDissonance.Client;

namespace SelfDissonance.Testing;

/// <summary>
/// Certificates for TLS tests, made with <see cref="CertificateRequest"/> and written as PEM files the way a Kubernetes
/// TLS secret mounts them (tls.crt, tls.key, ca.crt) under a temp directory deleted on dispose. ECDSA P-256, valid
/// for a day, with server and client authentication: what mutual TLS between silos needs.
/// </summary>
public sealed class TestCertificates : IDisposable
{
    private const string ServerAuthentication = "1.3.6.1.5.5.7.3.1";
    private const string ClientAuthentication = "1.3.6.1.5.5.7.3.2";
    private readonly TempDirectory _directory = new("sd-tls");
    private readonly List<X509Certificate2> _made = [];

    /// <summary>A certificate authority of its own (self-signed, may sign certificates, nothing else).</summary>
    public TestAuthority Authority(string name)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest($"CN={name}", key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(certificateAuthority: true, hasPathLengthConstraint: true, pathLengthConstraint: 0, critical: true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, critical: true));
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, critical: false));
        var certificate = Keep(request.CreateSelfSigned(DateTimeOffset.UtcNow.AddHours(-1), DateTimeOffset.UtcNow.AddDays(2)));
        var path = Write(name, "ca.crt", certificate.ExportCertificatePem());
        return new TestAuthority(certificate, path);
    }

    /// <summary>A certificate signed by <paramref name="authority"/>, with the authority's ca.crt beside it.</summary>
    public TlsFiles Issue(TestAuthority authority, string name)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = LeafRequest(name, key);
        request.CertificateExtensions.Add(X509AuthorityKeyIdentifierExtension.CreateFromCertificate(authority.Certificate, includeKeyIdentifier: true, includeIssuerAndSerial: false));
        using var issued = request.Create(authority.Certificate, DateTimeOffset.UtcNow.AddMinutes(-30), DateTimeOffset.UtcNow.AddDays(1), RandomNumberGenerator.GetBytes(16));
        var certificate = Keep(issued.CopyWithPrivateKey(key));
        return WriteLeaf(name, certificate, key, authority.CertificatePath);
    }

    /// <summary>A self-signed certificate: the one cluster certificate every silo and client shares, or an intruder's.</summary>
    public TlsFiles SelfSigned(string name)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var certificate = Keep(LeafRequest(name, key).CreateSelfSigned(DateTimeOffset.UtcNow.AddMinutes(-30), DateTimeOffset.UtcNow.AddDays(1)));
        return WriteLeaf(name, certificate, key, caPath: null);
    }

    public void Dispose()
    {
        foreach (var certificate in _made)
        {
            certificate.Dispose();
        }

        _directory.Dispose();
    }

    private static CertificateRequest LeafRequest(string name, ECDsa key)
    {
        var request = new CertificateRequest($"CN={name}", key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(certificateAuthority: false, hasPathLengthConstraint: false, pathLengthConstraint: 0, critical: true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature, critical: true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid(ServerAuthentication), new Oid(ClientAuthentication)], critical: false));
        var names = new SubjectAlternativeNameBuilder();
        names.AddDnsName("localhost");
        names.AddIpAddress(IPAddress.Loopback);
        request.CertificateExtensions.Add(names.Build());
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, critical: false));
        return request;
    }

    private TlsFiles WriteLeaf(string name, X509Certificate2 certificate, ECDsa key, string? caPath) =>
        new(Write(name, "tls.crt", certificate.ExportCertificatePem()), Write(name, "tls.key", key.ExportPkcs8PrivateKeyPem()), caPath, certificate.Thumbprint);

    private X509Certificate2 Keep(X509Certificate2 certificate)
    {
        _made.Add(certificate);
        return certificate;
    }

    private string Write(string name, string file, string pem)
    {
        var folder = Directory.CreateDirectory(Path.Combine(_directory.Path, name)).FullName;
        var path = Path.Combine(folder, file);
        File.WriteAllText(path, pem + "\n");
        return path;
    }
}

/// <summary>A test certificate authority: its certificate (with the signing key) and its ca.crt.</summary>
public sealed record TestAuthority(X509Certificate2 Certificate, string CertificatePath);

/// <summary>Where one certificate's PEM files are, as <c>SelfDissonance:Tls</c> options or as a process's environment.</summary>
public sealed record TlsFiles(string CertificatePath, string KeyPath, string? CaPath, string Thumbprint)
{
    public SelfDissonanceTlsOptions Options => new() { Enabled = true, CertificatePath = CertificatePath, KeyPath = KeyPath, CaPath = CaPath };

    /// <summary>The settings as environment variables; without a CA the variable is left out, as a secret without ca.crt would.</summary>
    public Dictionary<string, string?> Environment
    {
        get
        {
            var environment = new Dictionary<string, string?>
            {
                ["SelfDissonance__Tls__Enabled"] = "true",
                ["SelfDissonance__Tls__CertificatePath"] = CertificatePath,
                ["SelfDissonance__Tls__KeyPath"] = KeyPath,
            };
            if (CaPath is not null)
            {
                environment["SelfDissonance__Tls__CaPath"] = CaPath;
            }

            return environment;
        }
    }
}
