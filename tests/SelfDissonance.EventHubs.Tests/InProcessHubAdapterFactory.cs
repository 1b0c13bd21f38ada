using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Orleans.Configuration;
using Orleans.Statistics;
using Orleans.Streaming.EventHubs;
using Orleans.Streams;

namespace SelfDissonance.EventHubs.Tests;

/// <summary>
/// The real <see cref="EventHubAdapterFactory"/> with only its transport replaced, through the seam the package's own
/// generator provider (EventDataGeneratorAdapterFactory) uses: the protected receiver factory, <c>InitEventHubClient</c>
/// and <c>GetPartitionIdsAsync</c>; and <c>QueueMessageBatchAsync</c>, whose only replaced step is the producer
/// client's send. Everything else is the package's: the data adapter (serialization into EventData and back as
/// EventHubBatchContainer), the queue mapper, the receivers, the cache and its eviction, and the Azure Table
/// checkpointer configured by <c>AddSelfDissonanceEventHubStreams</c>.
/// </summary>
public sealed class InProcessHubAdapterFactory(
    string name,
    InProcessHub hub,
    EventHubOptions ehOptions,
    EventHubReceiverOptions receiverOptions,
    EventHubStreamCachePressureOptions cacheOptions,
    StreamCacheEvictionOptions cacheEvictionOptions,
    StreamStatisticOptions statisticOptions,
    IEventHubDataAdapter dataAdapter,
    IServiceProvider serviceProvider,
    ILoggerFactory loggerFactory,
    IEnvironmentStatisticsProvider environmentStatisticsProvider)
    : EventHubAdapterFactory(name, ehOptions, receiverOptions, cacheOptions, cacheEvictionOptions, statisticOptions, dataAdapter, serviceProvider, loggerFactory, environmentStatisticsProvider)
{
    public override void Init()
    {
        EventHubReceiverFactory = (settings, offset, _) => hub.CreateReceiver(settings.Partition, offset, settings.ReceiverOptions.StartFromNow);
        base.Init();
    }

    /// <summary>No producer client: sends go to the in-process hub.</summary>
    protected override void InitEventHubClient()
    {
    }

    protected override Task<string[]> GetPartitionIdsAsync() => Task.FromResult(hub.PartitionIds.ToArray());

    /// <summary>As the base class: the data adapter makes the EventData and names the partition key; the hub receives it.</summary>
    public override Task QueueMessageBatchAsync<T>(StreamId streamId, IEnumerable<T> events, StreamSequenceToken? token, Dictionary<string, object>? requestContext)
    {
        var eventData = dataAdapter.ToQueueMessage(streamId, events, token, requestContext);
        hub.Send(eventData, dataAdapter.GetPartitionKey(streamId));
        return Task.CompletedTask;
    }

    /// <summary>Resolves its parts as <see cref="EventHubAdapterFactory.Create"/> does, for the provider <paramref name="name"/>.</summary>
    public static InProcessHubAdapterFactory Create(IServiceProvider services, string name, InProcessHub hub)
    {
        var dataAdapter = services.GetKeyedService<IEventHubDataAdapter>(name)
            ?? services.GetService<IEventHubDataAdapter>()
            ?? ActivatorUtilities.CreateInstance<EventHubDataAdapter>(services);
        var factory = ActivatorUtilities.CreateInstance<InProcessHubAdapterFactory>(
            services,
            name,
            hub,
            services.GetOptionsByName<EventHubOptions>(name),
            services.GetOptionsByName<EventHubReceiverOptions>(name),
            services.GetOptionsByName<EventHubStreamCachePressureOptions>(name),
            services.GetOptionsByName<StreamCacheEvictionOptions>(name),
            services.GetOptionsByName<StreamStatisticOptions>(name),
            dataAdapter);
        factory.Init();
        return factory;
    }
}
