using SelfDissonance.Client;

namespace SelfDissonance.Silo.Hosting;

/// <summary>Mutual TLS on the silo-to-silo and gateway ports (<c>SelfDissonance:Tls</c>), the same in every profile.</summary>
public static class SiloTls
{
    /// <summary>
    /// When <c>SelfDissonance:Tls:Enabled</c>, every silo-to-silo and client-to-gateway connection is TLS with a certificate
    /// required on both sides. The files are read here, so a missing or unusable one stops the silo before it starts.
    /// Calling it again (another profile's wiring) changes nothing.
    /// </summary>
    public static ISiloBuilder UseSelfDissonanceTls(this ISiloBuilder silo, IConfiguration configuration)
    {
        silo.Services.AddOptions<SelfDissonanceTlsOptions>().BindConfiguration(SelfDissonanceTlsOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        var options = configuration.GetSection(SelfDissonanceTlsOptions.SectionName).Get<SelfDissonanceTlsOptions>() ?? new SelfDissonanceTlsOptions();
        return ClusterTrust.Register(silo.Services, options, silo: true) is { } trust ? silo.UseTls(trust.Apply) : silo;
    }
}
