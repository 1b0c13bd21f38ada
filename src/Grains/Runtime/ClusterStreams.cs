using Microsoft.Extensions.Configuration;
using Orleans.Streams;
using SelfDissonance.Streaming.RedisStreams;

namespace SelfDissonance.Runtime;

/// <summary>
/// The cluster profile's stream provider: every SelfDissonance stream (queue path, learning, control) on durable Redis
/// Streams under the same provider name the embedded default gives memory streams, so grains do not know which runs.
/// </summary>
internal static class ClusterStreams
{
    /// <summary>Tuning keys (QueueCount, MaxStreamLength, ClaimIdleTime, MaxDeliveries, ...) of <see cref="RedisStreamOptions"/>.</summary>
    public const string Section = "SelfDissonance:Streams";

    public static ISiloBuilder AddClusterStreams(this ISiloBuilder silo, string redis)
    {
        silo.AddRedisStreams(
            StreamNames.Provider,
            o =>
            {
                silo.Configuration.GetSection(Section).Bind(o);
                o.ConnectionString = redis;
            },
            QueuePathStreams.Configure);

        // Live task events for watchers (SSE, cluster clients): explicit subscriptions, their own queue so a busy task
        // never delays the control stream's promotions and rollbacks.
        silo.AddRedisStreams(StreamNames.EventsProvider, RedisStreamOptions.SingleQueue(redis), s => s.ConfigureStreamPubSub(StreamPubSubType.ExplicitGrainBasedAndImplicit));

        // The control stream: one stream, a subscription per silo agent (explicit, kept in PubSubStore in Redis).
        return silo.AddRedisStreams(StreamNames.ControlProvider, RedisStreamOptions.SingleQueue(redis), s => s.ConfigureStreamPubSub(StreamPubSubType.ExplicitGrainBasedAndImplicit));
    }
}
