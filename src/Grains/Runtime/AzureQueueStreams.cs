using Azure.Storage.Queues;
using Microsoft.Extensions.Configuration;
using Orleans.Configuration;
using Orleans.Streams;

namespace SelfDissonance.Runtime;

/// <summary>
/// The Azure profile's switchable stream providers (<c>SelfDissonance:Streams:Provider=AzureQueue</c>): the same three
/// providers as the Redis profile (<see cref="ClusterStreams"/>), with the same pub-sub types and pulling-agent settings,
/// on Azure Queue storage. Queue names carry the service id, so services can share an account.
/// </summary>
public static class AzureQueueStreams
{
    public static ISiloBuilder AddAzureQueueStreams(this ISiloBuilder silo, QueueServiceClient queues, string serviceId)
    {
        var options = silo.Configuration.GetSection(AzureQueueStreamOptions.Section).Get<AzureQueueStreamOptions>() ?? new AzureQueueStreamOptions();
        silo.AddAzureQueueStreams(StreamNames.Provider, s =>
        {
            s.ConfigureAzureQueue(o => o.Configure(q => Configure(q, queues, AzureNames.Queues(serviceId, StreamNames.Provider, options.QueueCount), options)));
            s.ConfigureCacheSize(options.CacheSize);
            QueuePathStreams.Configure(s);
        });

        // Live task events and the control stream: explicit subscriptions (kept in PubSubStore), one queue each, so a
        // busy task never delays the control stream's promotions and rollbacks.
        silo.AddAzureQueueStreams(StreamNames.EventsProvider, s =>
        {
            s.ConfigureAzureQueue(o => o.Configure(q => Configure(q, queues, AzureNames.Queues(serviceId, StreamNames.EventsProvider, 1), options)));
            s.ConfigureStreamPubSub(StreamPubSubType.ExplicitGrainBasedAndImplicit);
        });
        silo.AddAzureQueueStreams(StreamNames.ControlProvider, s =>
        {
            s.ConfigureAzureQueue(o => o.Configure(q => Configure(q, queues, AzureNames.Queues(serviceId, StreamNames.ControlProvider, 1), options)));
            s.ConfigureStreamPubSub(StreamPubSubType.ExplicitGrainBasedAndImplicit);
        });
        return silo;
    }

    /// <summary>A cluster client's side of the live task events provider: the same queue as the silos'.</summary>
    public static IClientBuilder AddAzureQueueEvents(this IClientBuilder client, QueueServiceClient queues, string serviceId) =>
        client.AddAzureQueueStreams(StreamNames.EventsProvider, o => o.Configure(q => Configure(q, queues, AzureNames.Queues(serviceId, StreamNames.EventsProvider, 1), new AzureQueueStreamOptions())));

    private static void Configure(AzureQueueOptions queue, QueueServiceClient client, List<string> names, AzureQueueStreamOptions options)
    {
        queue.QueueServiceClient = client;
        queue.QueueNames = names;
        queue.MessageVisibilityTimeout = options.VisibilityTimeout;
    }
}
