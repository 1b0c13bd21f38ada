using Azure.Messaging.EventHubs;
using Orleans.Streaming.EventHubs;

namespace SelfDissonance.EventHubs.Tests;

/// <summary>
/// Reads one partition of an <see cref="InProcessHub"/> as PartitionReceiver.ReceiveBatchAsync does: what is there now,
/// up to the count asked for; when nothing is, waits for an event up to the wait time and then answers empty.
/// </summary>
internal sealed class InProcessHubReceiver(InProcessHub.Partition partition, int position) : IEventHubReceiver
{
    private readonly CancellationTokenSource _closed = new();
    private int _position = position;

    [Obsolete("Use the overload which accepts a CancellationToken.")]
    public Task<IEnumerable<EventData>> ReceiveAsync(int maxCount, TimeSpan waitTime) => ReceiveAsync(maxCount, waitTime, CancellationToken.None);

    public async Task<IEnumerable<EventData>> ReceiveAsync(int maxCount, TimeSpan waitTime, CancellationToken cancellationToken)
    {
        ObjectDisposedException.ThrowIf(_closed.IsCancellationRequested, this);
        using var wait = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, _closed.Token);
        wait.CancelAfter(waitTime);
        while (true)
        {
            var (events, appended) = partition.Read(_position, maxCount);
            if (events.Count > 0)
            {
                _position += events.Count;
                return events;
            }

            try
            {
                await appended.WaitAsync(wait.Token);
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                return [];
            }
        }
    }

    [Obsolete("Use the overload which accepts a CancellationToken.")]
    public Task CloseAsync() => CloseAsync(CancellationToken.None);

    public Task CloseAsync(CancellationToken cancellationToken)
    {
        _closed.Cancel();
        return Task.CompletedTask;
    }
}
