using System.Threading.Channels;
using Orleans.Streams;
using SelfDissonance.Runtime;

namespace SelfDissonance.Client.Cluster;

/// <summary>
/// A subscription to a task's live events stream, buffered in a bounded channel: a reader slower than the task loses
/// the oldest batches, never memory. Used by the gateway's SSE route and by the cluster client.
/// </summary>
internal sealed class TaskEventSubscription : IAsyncDisposable
{
    private const int BufferedBatches = 256;

    private readonly Channel<TaskEventBatch> _channel = Channel.CreateBounded<TaskEventBatch>(
        new BoundedChannelOptions(BufferedBatches) { FullMode = BoundedChannelFullMode.DropOldest, SingleReader = true });

    private StreamSubscriptionHandle<TaskEventBatch>? _handle;

    private TaskEventSubscription()
    {
    }

    public ChannelReader<TaskEventBatch> Reader => _channel.Reader;

    /// <summary>Subscribes before returning, so every event published afterwards is delivered.</summary>
    public static async Task<TaskEventSubscription> StartAsync(IClusterClient client, string taskId)
    {
        IStreamProvider provider;
        try
        {
            provider = client.GetStreamProvider(StreamNames.EventsProvider);
        }
        catch (KeyNotFoundException e)
        {
            throw new InvalidOperationException($"The cluster client has no '{StreamNames.EventsProvider}' stream provider; configure it with AddSelfDissonanceEvents().", e);
        }

        var subscription = new TaskEventSubscription();
        subscription._handle = await provider.GetStream<TaskEventBatch>(StreamId.Create(StreamNames.TaskEvents, taskId)).SubscribeAsync((batch, _) =>
        {
            subscription._channel.Writer.TryWrite(batch);
            return Task.CompletedTask;
        }).ConfigureAwait(false);
        return subscription;
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            if (_handle is not null)
            {
                await _handle.UnsubscribeAsync().ConfigureAwait(false);
            }
        }
        catch (Exception e) when (e is OrleansException or TimeoutException)
        {
            // Pub-sub drops subscribers it can no longer reach.
        }
    }
}
