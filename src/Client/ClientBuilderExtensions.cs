using Microsoft.Extensions.Configuration;
using SelfDissonance.Runtime;
using SelfDissonance.Streaming.RedisStreams;

namespace SelfDissonance.Client;

/// <summary>Configures an Orleans cluster client for <see cref="SelfDissonanceClusterClient"/>.</summary>
public static class ClientBuilderExtensions
{
    /// <summary>
    /// Adds the live task events stream provider that <see cref="SelfDissonanceClusterClient.WatchAsync"/> subscribes
    /// to: memory streams for the embedded default (no connection string), or the cluster profile's Redis Streams
    /// (the silos' <c>ConnectionStrings:Redis</c>). Also turns on Orleans activity propagation, so a trace started in the
    /// client (an OpenTelemetry span around a call) continues through the silos' grains.
    /// </summary>
    /// <param name="builder">The Orleans client builder.</param>
    /// <param name="redisConnectionString">The cluster's Redis, or null for the embedded default.</param>
    /// <returns>The builder.</returns>
    public static IClientBuilder AddSelfDissonanceEvents(this IClientBuilder builder, string? redisConnectionString = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.AddActivityPropagation();
        if (string.IsNullOrEmpty(redisConnectionString))
        {
            return builder.AddMemoryStreams(StreamNames.EventsProvider);
        }

        // The same queue layout as the silos' events provider (ClusterStreams in SelfDissonance.Grains).
        return builder.AddRedisStreams(StreamNames.EventsProvider, RedisStreamOptions.SingleQueue(redisConnectionString));
    }

    /// <summary>
    /// Turns on mutual TLS to the silos' gateways when <c>SelfDissonance:Tls:Enabled</c> is true in
    /// <paramref name="configuration"/>: the client presents <c>CertificatePath</c>/<c>KeyPath</c> and accepts only a silo
    /// whose certificate chains to <c>CaPath</c> or, without it, is the same certificate. Does nothing when TLS is off.
    /// </summary>
    /// <param name="builder">The Orleans client builder.</param>
    /// <param name="configuration">Configuration holding the <see cref="SelfDissonanceTlsOptions.SectionName"/> section.</param>
    /// <returns>The builder.</returns>
    /// <exception cref="InvalidOperationException">TLS is on and the certificate, key or CA file cannot be used.</exception>
    public static IClientBuilder UseSelfDissonanceTls(this IClientBuilder builder, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        return builder.UseSelfDissonanceTls(configuration.GetSection(SelfDissonanceTlsOptions.SectionName).Get<SelfDissonanceTlsOptions>() ?? new SelfDissonanceTlsOptions());
    }

    /// <summary>Turns on mutual TLS to the silos' gateways with <paramref name="options"/>; does nothing when they are not enabled.</summary>
    /// <param name="builder">The Orleans client builder.</param>
    /// <param name="options">The TLS settings (the files are read now).</param>
    /// <returns>The builder.</returns>
    /// <exception cref="InvalidOperationException">TLS is on and the certificate, key or CA file cannot be used.</exception>
    public static IClientBuilder UseSelfDissonanceTls(this IClientBuilder builder, SelfDissonanceTlsOptions options)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(options);
        return ClusterTrust.Register(builder.Services, options, silo: false) is { } trust ? builder.UseTls(trust.Apply) : builder;
    }
}
