using System.ComponentModel.DataAnnotations;

namespace SelfDissonance.Silo.Security;

/// <summary>Authentication, authorization and abuse limits of the gateway. Section "SelfDissonance:Security".</summary>
public sealed class SecurityOptions
{
    public const string Section = "SelfDissonance:Security";

    /// <summary>The environment variable (or configuration key) holding the admin key.</summary>
    public const string AdminKeyVariable = "SD_ADMIN_KEY";

    /// <summary>A file holding the admin key (a mounted secret), read when SD_ADMIN_KEY is not set.</summary>
    public string? AdminKeyFile { get; set; }

    /// <summary>Whether /metrics needs a key with the read scope (for every task). Off only behind a trusted scraper network.</summary>
    public bool MetricsRequireAuth { get; set; } = true;

    /// <summary>How long a silo trusts a validated key without asking the key store again (revocations are pushed at once).</summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "01:00:00")]
    public TimeSpan KeyCacheDuration { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Default request rate per key (token bucket refill per second); a key may carry its own.</summary>
    [Range(1, 1_000_000)]
    public int PermitsPerSecond { get; set; } = 10_000;

    /// <summary>Default bucket size per key: the burst a key may send at once.</summary>
    [Range(1, 10_000_000)]
    public int BurstPermits { get; set; } = 20_000;

    /// <summary>Set by the --insecure-dev switch only: no key needed from loopback callers. Refused on non-loopback addresses.</summary>
    public bool InsecureDev { get; set; }

    public JwtSettings Jwt { get; set; } = new();

    public override string ToString() =>
        $"AdminKeyFile={AdminKeyFile ?? "(none)"}, MetricsRequireAuth={MetricsRequireAuth}, KeyCacheDuration={KeyCacheDuration}, PermitsPerSecond={PermitsPerSecond}, BurstPermits={BurstPermits}, InsecureDev={InsecureDev}, Jwt=({Jwt})";
}

/// <summary>JWT bearer tokens as an alternative to API keys: HS256 with a shared signing key. Off while SigningKey is empty.</summary>
public sealed class JwtSettings
{
    public string? Issuer { get; set; }

    public string? Audience { get; set; }

    /// <summary>At least 32 bytes (UTF-8) for HS256.</summary>
    public string? SigningKey { get; set; }

    public bool Enabled => !string.IsNullOrEmpty(SigningKey);

    public override string ToString() => $"Issuer={Issuer}, Audience={Audience}, SigningKey={(Enabled ? "***" : "(none)")}";
}
