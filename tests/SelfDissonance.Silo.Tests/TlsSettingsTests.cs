using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using SelfDissonance.Client;
using SelfDissonance.Silo.Hosting;
using SelfDissonance.Testing;

namespace SelfDissonance.Silo.Tests;

/// <summary>
/// SelfDissonance:Tls is checked while the silo is built: TLS on without a usable certificate stops it with an error
/// naming the setting and the file, never the key. Connections themselves are tested on silo processes
/// (ClusterProfile.Tests, ClusterTlsTests).
/// </summary>
public sealed class TlsSettingsTests
{
    [Fact]
    public void Tls_on_without_a_certificate_path_names_the_missing_setting()
    {
        var e = Assert.Throws<InvalidOperationException>(() => Build("--SelfDissonance:Tls:Enabled=true"));

        Assert.Contains("SelfDissonance:Tls:CertificatePath is not set", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void An_unreadable_certificate_or_key_file_is_named_with_its_setting_and_path()
    {
        using var folder = new TempDirectory();
        var missing = Path.Combine(folder.Path, "tls.crt");
        var missingKey = Path.Combine(folder.Path, "tls.key");

        var e = Assert.Throws<InvalidOperationException>(() => Build("--SelfDissonance:Tls:Enabled=true", $"--SelfDissonance:Tls:CertificatePath={missing}", $"--SelfDissonance:Tls:KeyPath={missingKey}"));

        Assert.Contains($"SelfDissonance:Tls:CertificatePath '{missing}' cannot be read", e.Message, StringComparison.Ordinal);
        Assert.Contains($"SelfDissonance:Tls:KeyPath '{missingKey}' cannot be read", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_key_that_does_not_match_the_certificate_is_refused_without_showing_the_key()
    {
        using var certificates = new TestCertificates();
        var one = certificates.SelfSigned("one");
        var other = certificates.SelfSigned("other");

        var e = Assert.Throws<InvalidOperationException>(() => Build("--SelfDissonance:Tls:Enabled=true", $"--SelfDissonance:Tls:CertificatePath={one.CertificatePath}", $"--SelfDissonance:Tls:KeyPath={other.KeyPath}"));

        Assert.Contains("SelfDissonance:Tls:KeyPath", e.Message, StringComparison.Ordinal);
        Assert.Contains(other.KeyPath, e.Message, StringComparison.Ordinal);
        var keyLines = File.ReadAllLines(other.KeyPath).Where(l => !l.StartsWith("-----", StringComparison.Ordinal));
        Assert.All(keyLines, line => Assert.DoesNotContain(line, e.ToString(), StringComparison.Ordinal));
    }

    [Fact]
    public void A_certificate_that_does_not_chain_to_the_configured_authority_is_refused_at_start()
    {
        using var certificates = new TestCertificates();
        var cluster = certificates.Authority("cluster-ca");
        var stranger = certificates.Issue(certificates.Authority("other-ca"), "stranger");

        var e = Assert.Throws<InvalidOperationException>(() => Build(
            "--SelfDissonance:Tls:Enabled=true", $"--SelfDissonance:Tls:CertificatePath={stranger.CertificatePath}", $"--SelfDissonance:Tls:KeyPath={stranger.KeyPath}", $"--SelfDissonance:Tls:CaPath={cluster.CertificatePath}"));

        Assert.Contains("does not chain to SelfDissonance:Tls:CaPath", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_certificate_with_its_key_builds_a_silo_and_tls_off_needs_no_files()
    {
        using var certificates = new TestCertificates();
        var files = certificates.Issue(certificates.Authority("cluster-ca"), "silo");

        using var withTls = Build("--SelfDissonance:Tls:Enabled=true", $"--SelfDissonance:Tls:CertificatePath={files.CertificatePath}", $"--SelfDissonance:Tls:KeyPath={files.KeyPath}", $"--SelfDissonance:Tls:CaPath={files.CaPath}");
        using var withoutTls = Build("--SelfDissonance:Tls:Enabled=false", "--SelfDissonance:Tls:CertificatePath=/nowhere/tls.crt");

        Assert.Equal(files.CaPath, withTls.Services.GetRequiredService<IOptions<SelfDissonanceTlsOptions>>().Value.CaPath);
        Assert.False(withoutTls.Services.GetRequiredService<IOptions<SelfDissonanceTlsOptions>>().Value.Enabled);
    }

    private static WebApplication Build(params string[] settings) => SiloApp.Build(["--urls", "http://127.0.0.1:0", .. settings]);
}
