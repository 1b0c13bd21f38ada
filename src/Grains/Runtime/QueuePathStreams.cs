using Orleans.Streams;

namespace SelfDissonance.Runtime;

/// <summary>
/// The settings every durable stream provider of the queue path and learning (<see cref="StreamNames.Provider"/>) shares,
/// on Redis, Event Hubs and Azure Queue alike.
/// </summary>
internal static class QueuePathStreams
{
    public static void Configure(ISiloPersistentStreamConfigurator streams)
    {
        // Implicit only: the episode and learner grains subscribe by stream namespace, so no pub-sub state is kept per
        // queued episode's stream.
        streams.ConfigureStreamPubSub(StreamPubSubType.ImplicitOnly);
        streams.ConfigurePullingAgent(o => o.Configure(a =>
        {
            // Queue-path streams are one per episode id; forget idle ones quickly.
            a.StreamInactivityPeriod = TimeSpan.FromMinutes(2);
            // A consumer that keeps throwing holds its stream this long per delivery round, not Orleans' default minute;
            // an episode's reminder still finishes an episode whose delivery was given up on.
            a.MaxEventDeliveryTime = TimeSpan.FromSeconds(10);
        }));
    }
}
