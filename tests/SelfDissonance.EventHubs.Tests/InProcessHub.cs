using System.Globalization;
using System.Text;
using Azure.Messaging.EventHubs;
using Orleans.Streaming.EventHubs;

namespace SelfDissonance.EventHubs.Tests;

/// <summary>
/// An Event Hub held in the test process, standing in for the service behind the Orleans adapter's transport seam
/// (<see cref="InProcessHubAdapterFactory"/>). Like the service it keeps every event (no retention limit here), routes
/// a send by its partition key with a stable hash, and stamps the broker-owned fields a reader sees: partition key,
/// sequence number (0, 1, ... per partition), offset (a byte position, deliberately not the sequence number) and
/// enqueued time. It outlives the clusters that use it, so a new cluster reads what an old one left.
/// </summary>
public sealed class InProcessHub
{
    private readonly Partition[] _partitions;

    public InProcessHub(string name, int partitionCount)
    {
        Name = name;
        _partitions = [.. Enumerable.Range(0, partitionCount).Select(i => new Partition(i.ToString(CultureInfo.InvariantCulture)))];
    }

    public string Name { get; }

    public IReadOnlyList<string> PartitionIds => [.. _partitions.Select(p => p.Id)];

    /// <summary>The partition the service would pick for a partition key (here: FNV-1a of its UTF-8 bytes).</summary>
    public string PartitionFor(string partitionKey)
    {
        var hash = 2166136261u;
        foreach (var b in Encoding.UTF8.GetBytes(partitionKey))
        {
            hash = unchecked((hash ^ b) * 16777619u);
        }

        return _partitions[hash % (uint)_partitions.Length].Id;
    }

    /// <summary>Appends a sent event to its key's partition; returns the stored (received) form.</summary>
    public EventData Send(EventData sent, string partitionKey)
    {
        var partition = _partitions.Single(p => p.Id == PartitionFor(partitionKey));
        return partition.Append(sent, partitionKey);
    }

    public IReadOnlyList<EventData> Events(string partition) => _partitions.Single(p => p.Id == partition).Snapshot();

    public IReadOnlyList<(string Partition, EventData Event)> AllEvents() =>
        [.. _partitions.SelectMany(p => p.Snapshot().Select(e => (p.Id, e)))];

    /// <summary>
    /// A reader of one partition positioned as the real receiver (EventHubReceiverProxy) positions it: "-1" (no
    /// checkpoint) means the end of the partition when <paramref name="startFromNow"/>, else its start; any other
    /// value is an offset read inclusively (<c>EventPosition.FromOffset(offset, isInclusive: true)</c>).
    /// </summary>
    public IEventHubReceiver CreateReceiver(string partition, string offset, bool startFromNow)
    {
        var p = _partitions.Single(x => x.Id == partition);
        p.ReceiversCreated.Enqueue(offset);
        return new InProcessHubReceiver(p, offset == "-1"
            ? (startFromNow ? p.Count : 0)
            : p.IndexOfOffset(long.Parse(offset, CultureInfo.InvariantCulture)));
    }

    /// <summary>The start offsets the adapter asked for, per partition, in order (what a restarted receiver resumed from).</summary>
    public IReadOnlyList<string> ReceiverStarts(string partition) => [.. _partitions.Single(p => p.Id == partition).ReceiversCreated];

    internal sealed class Partition(string id)
    {
        private readonly List<EventData> _events = [];
        private readonly Lock _lock = new();
        private TaskCompletionSource _appended = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private long _nextOffset = 4096;

        public string Id { get; } = id;

        public System.Collections.Concurrent.ConcurrentQueue<string> ReceiversCreated { get; } = new();

        public int Count
        {
            get
            {
                lock (_lock)
                {
                    return _events.Count;
                }
            }
        }

        public EventData Append(EventData sent, string partitionKey)
        {
            TaskCompletionSource appended;
            EventData received;
            lock (_lock)
            {
                var offset = _nextOffset;
                // Event Hubs offsets are positions in the partition's log: they grow by the event's size.
                _nextOffset += sent.EventBody.ToMemory().Length + 64;
                received = EventHubsModelFactory.EventData(
                    sent.EventBody,
                    new Dictionary<string, object>(sent.Properties),
                    new Dictionary<string, object>(),
                    partitionKey,
                    (long)_events.Count,
                    offset.ToString(CultureInfo.InvariantCulture),
                    DateTimeOffset.UtcNow);
                _events.Add(received);
                appended = _appended;
                _appended = new(TaskCreationOptions.RunContinuationsAsynchronously);
            }

            appended.SetResult();
            return received;
        }

        public List<EventData> Snapshot()
        {
            lock (_lock)
            {
                return [.. _events];
            }
        }

        public int IndexOfOffset(long offset)
        {
            lock (_lock)
            {
                var i = _events.FindIndex(e => long.Parse(e.OffsetString, CultureInfo.InvariantCulture) >= offset);
                return i < 0 ? _events.Count : i;
            }
        }

        /// <summary>Up to <paramref name="max"/> events from <paramref name="from"/>, or a task that completes on the next append.</summary>
        public (List<EventData> Events, Task Appended) Read(int from, int max)
        {
            lock (_lock)
            {
                return ([.. _events.Skip(from).Take(max)], _appended.Task);
            }
        }
    }
}
