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
            s =>
            {
                // Implicit only: the episode and learner grains subscribe by stream namespace, so no pub-sub grain or
                // Redis key is created per queued episode's stream.
                s.ConfigureStreamPubSub(StreamPubSubType.ImplicitOnly);
                s.ConfigurePullingAgent(o => o.Configure(a =>
                {
                    // Queue-path streams are one per episode id; forget idle ones quickly.
                    a.StreamInactivityPeriod = TimeSpan.FromMinutes(2);
                    // A consumer that keeps throwing holds its stream this long per delivery round, not Orleans' default
                    // minute; after MaxDeliveries rounds the entry is dead-lettered (an episode's reminder still finishes it).
                    a.MaxEventDeliveryTime = TimeSpan.FromSeconds(10);
                }));
            });

        // Live task events for watchers (SSE, cluster clients): explicit subscriptions, their own queue so a busy task
        // never delays the control stream's promotions and rollbacks.
        silo.AddRedisStreams(StreamNames.EventsProvider, RedisStreamOptions.SingleQueue(redis), s => s.ConfigureStreamPubSub(StreamPubSubType.ExplicitGrainBasedAndImplicit));

        // The control stream: one stream, a subscription per silo agent (explicit, kept in PubSubStore in Redis).
        return silo.AddRedisStreams(StreamNames.ControlProvider, RedisStreamOptions.SingleQueue(redis), s => s.ConfigureStreamPubSub(StreamPubSubType.ExplicitGrainBasedAndImplicit));
    }
}
