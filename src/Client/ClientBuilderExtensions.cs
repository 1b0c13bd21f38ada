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
}
