using System.Globalization;
using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using SelfDissonance.Testing;
using static SelfDissonance.Testing.Api;

namespace SelfDissonance.Silo.Tests;

/// <summary>The gateway on HTTPS from a configured certificate (standard Kestrel endpoint configuration).</summary>
public sealed class HttpsTests
{
    [Fact]
    public async Task The_gateway_serves_https_with_the_configured_certificate_and_the_sign_in_cookie_is_secure()
    {
        using var folder = new TempDirectory("sd-tls");
        using var certificate = SelfSigned();
        var pfx = Path.Combine(folder.Path, "gateway.pfx");
        await File.WriteAllBytesAsync(pfx, certificate.Export(X509ContentType.Pfx, "test-password"), Ct);
        var port = FreePort.Next();
        await using var host = new GatewayHost(new()
        {
            ["Kestrel:Endpoints:Https:Url"] = string.Create(CultureInfo.InvariantCulture, $"https://127.0.0.1:{port}"),
            ["Kestrel:Endpoints:Https:Certificate:Path"] = pfx,
            ["Kestrel:Endpoints:Https:Certificate:Password"] = "test-password",
        });
        await host.StartAsync();

        X509Certificate2? presented = null;
        using var handler = new HttpClientHandler
        {
            UseCookies = false,
            // Trust exactly this certificate, as a client pinned to it would.
            ServerCertificateCustomValidationCallback = (_, cert, _, _) =>
            {
                presented = cert is null ? null : X509CertificateLoader.LoadCertificate(cert.RawData);
                return cert?.Thumbprint == certificate.Thumbprint;
            },
        };
        using var client = TestKeys.Client(new Uri($"https://127.0.0.1:{port}"), host.AdminKey, handler);

        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/v1/tasks", Ct)).StatusCode);
        Assert.Equal(certificate.Thumbprint, presented?.Thumbprint);
        using var login = await client.PostJsonAsync("/session", $$"""{"key":"{{host.AdminKey}}"}""");
        Assert.Equal(HttpStatusCode.NoContent, login.StatusCode);
        Assert.Contains("; secure", Assert.Single(login.Headers.GetValues("Set-Cookie")), StringComparison.OrdinalIgnoreCase);

        // Without the key, HTTPS changes nothing about authorization.
        using var anonymous = TestKeys.Client(new Uri($"https://127.0.0.1:{port}"), null, new HttpClientHandler { ServerCertificateCustomValidationCallback = (_, cert, _, _) => cert?.Thumbprint == certificate.Thumbprint });
        await (await anonymous.GetAsync("/v1/tasks", Ct)).ProblemAsync(HttpStatusCode.Unauthorized, ReasonCodes.Unauthenticated);
    }

    private static X509Certificate2 SelfSigned()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=127.0.0.1", key, HashAlgorithmName.SHA256);
        var names = new SubjectAlternativeNameBuilder();
        names.AddIpAddress(IPAddress.Loopback);
        request.CertificateExtensions.Add(names.Build());
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1")], false));
        return request.CreateSelfSigned(DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddDays(1));
    }
}
