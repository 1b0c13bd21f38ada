using Microsoft.Extensions.Logging;
using Orleans.Streams;
using StackExchange.Redis;

namespace SelfDissonance.Streaming.RedisStreams;

/// <summary>
/// Reads one queue for the pulling agent that owns it. Entries stay in the group's pending entries list (PEL) until the
/// agent's cache reports them delivered; the periodic pending check re-reads what this receiver must retry, claims what
/// other consumers (dead silos, the previous owner of the queue) left unacknowledged, and dead-letters poison entries.
/// </summary>
internal sealed partial class RedisStreamReceiver : IQueueAdapterReceiver
{
    private static readonly TimeSpan s_housekeepingPeriod = TimeSpan.FromMinutes(1);
    private readonly RedisStreamAdapterFactory _factory;
    private readonly RedisStreamOptions _options;
    private readonly QueueId _queueId;
    private readonly RedisKey _key;
    private readonly string _group;
    private readonly string _consumer;
    private readonly ILogger _logger;
    private readonly Lock _lock = new();

    // Entries handed to the agent and not yet reported delivered: in its cache, or being delivered right now. They are
    // never claimed back, however long a slow consumer takes, so a slow consumer is neither duplicated nor dead-lettered.
    private readonly Dictionary<string, InFlight> _inFlight = new(StringComparer.Ordinal);
    private readonly SortedDictionary<long, string> _bySequence = [];

    // Entries still pending under this consumer that must be read again (delivery failed, or their XACK did not go
    // through), with the number of deliveries so far.
    private readonly Dictionary<string, int> _released = new(StringComparer.Ordinal);

    private bool _groupReady;
    private RedisValue _ownScanFrom = "-";
    private long? _ownScanMinIdleMs;
    private long _nextOwnScan;
    private long _nextPendingCheck;
    private long _nextConsumerCleanup;

    public RedisStreamReceiver(RedisStreamAdapterFactory factory, QueueId queueId, string key, string consumer, ILogger logger)
    {
        _factory = factory;
        _options = factory.Options;
        _queueId = queueId;
        _key = key;
        _group = factory.ConsumerGroup;
        _consumer = consumer;
        _logger = logger;
    }

    public async Task Initialize(TimeSpan timeout)
    {
        try
        {
            using var cancellation = new CancellationTokenSource(timeout);
            await EnsureGroupAsync(await _factory.GetDatabaseAsync(cancellation.Token));
        }
        catch (Exception e) when (e is RedisException or TimeoutException or OperationCanceledException)
        {
            // The agent calls Initialize once and then pumps regardless; the first read creates the group instead.
            LogInitializeFailed(_logger, e, _key.ToString());
        }

        // A receiver of the same name (this silo had the queue before) may have left entries pending: the first
        // pending check reads them all again right away, without waiting for ClaimIdleTime.
        _nextPendingCheck = 0;
        _nextOwnScan = 0;
        _ownScanMinIdleMs = null;
        _ownScanFrom = "-";
        LogInitialized(_logger, _key.ToString(), _group, _consumer);
    }

    [Obsolete("Use the overload which accepts a CancellationToken.")]
    public Task<IList<IBatchContainer>> GetQueueMessagesAsync(int maxCount) => GetQueueMessagesAsync(maxCount, CancellationToken.None);

    public async Task<IList<IBatchContainer>> GetQueueMessagesAsync(int maxCount, CancellationToken cancellationToken)
    {
        var budget = maxCount > 0 ? Math.Min(maxCount, _options.ReadBatchSize) : _options.ReadBatchSize;
        var db = await _factory.GetDatabaseAsync(cancellationToken);
        var batch = new List<IBatchContainer>();
        try
        {
            if (!_groupReady)
            {
                await EnsureGroupAsync(db);
            }

            var now = Environment.TickCount64;
            if (now >= _nextPendingCheck)
            {
                _nextPendingCheck = now + (long)_options.PendingCheckInterval.TotalMilliseconds;
                await CheckPendingAsync(db, batch, budget, now);
                if (now >= _nextConsumerCleanup)
                {
                    _nextConsumerCleanup = now + (long)Min(s_housekeepingPeriod, _options.RemoveIdleConsumersAfter).TotalMilliseconds;
                    await RemoveIdleConsumersAsync(db);
                }
            }

            if (batch.Count < budget)
            {
                foreach (var entry in await db.StreamReadGroupAsync(_key, _group, _consumer, StackExchange.Redis.StreamPosition.NewMessages, budget - batch.Count))
                {
                    await AcceptAsync(db, entry, deliveries: 1, batch);
                }
            }
        }
        catch (RedisServerException e) when (e.Message.StartsWith("NOGROUP", StringComparison.Ordinal))
        {
            // The key or the group was deleted under us: recreate it on the next read.
            _groupReady = false;
            LogGroupMissing(_logger, _key.ToString(), _group);
        }
        catch (Exception e) when (e is RedisException or TimeoutException && batch.Count > 0)
        {
            // The agent never sees this batch: what was already taken must be read again, not stay "in flight" forever.
            Release(batch);
            throw;
        }

        return batch;
    }

    [Obsolete("Use the overload which accepts a CancellationToken.")]
    public Task MessagesDeliveredAsync(IList<IBatchContainer> messages) => MessagesDeliveredAsync(messages, CancellationToken.None);

    /// <summary>
    /// Called by the pulling agent with what its cache purged. The cache purges an entry only once no consumer cursor is
    /// on it any more, and a cursor leaves an entry only after the consumer's <c>OnNextAsync</c> call returned (or failed
    /// for good): so XACK here is after delivery to every consumer. Entries whose delivery failed are purged too but
    /// left out of the list; they stay unacknowledged and are read again.
    /// </summary>
    public async Task MessagesDeliveredAsync(IList<IBatchContainer> messages, CancellationToken cancellationToken)
    {
        var delivered = new List<(string Id, int Deliveries)>(messages.Count);
        var untaken = 0;
        lock (_lock)
        {
            long newest = -1;
            foreach (var message in messages)
            {
                if (message is RedisStreamBatchContainer container && _inFlight.Remove((string)container.EntryId!, out var entry))
                {
                    _bySequence.Remove(entry.Sequence);
                    newest = Math.Max(newest, entry.Sequence);
                    if (container.HandedToConsumer || !_options.AcknowledgeOnlyWhatConsumersTook)
                    {
                        delivered.Add(((string)container.EntryId!, entry.Deliveries));
                    }
                    else
                    {
                        // Purged before any consumer was handed it: it never reached anyone. Read it again; this read
                        // does not count as a delivery, so it cannot push the entry towards the dead-letter key.
                        _released[(string)container.EntryId!] = entry.Deliveries - 1;
                        untaken++;
                    }
                }
            }

            // The cache purges in the order entries were added, so an older entry still in flight is one the cache
            // dropped after a failed delivery (a safety net for when the failure handler was not told).
            var dropped = _bySequence.TakeWhile(s => s.Key < newest).ToList();
            foreach (var (sequence, id) in dropped)
            {
                _bySequence.Remove(sequence);
                if (_inFlight.Remove(id, out var entry))
                {
                    _released[id] = entry.Deliveries;
                }
            }
        }

        if (untaken > 0)
        {
            LogUntaken(_logger, untaken, _key.ToString());
        }

        if (delivered.Count == 0)
        {
            return;
        }

        try
        {
            var db = await _factory.GetDatabaseAsync(cancellationToken);
            await db.StreamAcknowledgeAsync(_key, _group, [.. delivered.Select(d => (RedisValue)d.Id)]);
        }
        catch (Exception e) when (e is RedisException or TimeoutException or OperationCanceledException)
        {
            // Still pending in Redis: deliver them again rather than lose track of them (at-least-once).
            LogAcknowledgeFailed(_logger, e, delivered.Count, _key.ToString());
            lock (_lock)
            {
                foreach (var (id, deliveries) in delivered)
                {
                    _released[id] = deliveries;
                }
            }
        }
    }

    public Task Shutdown(TimeSpan timeout)
    {
        // Nothing is acknowledged here: what is still in flight stays pending under this consumer and is claimed by the
        // queue's next owner after ClaimIdleTime (or read again at once if this silo gets the queue back).
        lock (_lock)
        {
            _inFlight.Clear();
            _bySequence.Clear();
            _released.Clear();
        }

        _factory.RemoveReceiver(_queueId, this);
        LogShutdown(_logger, _key.ToString(), _consumer);
        return Task.CompletedTask;
    }

    /// <summary>The agent gave up delivering the entry with this sequence number: read it again at the next pending check.</summary>
    internal void ReleaseFailedDelivery(long sequence)
    {
        lock (_lock)
        {
            if (_bySequence.Remove(sequence, out var id) && _inFlight.Remove(id, out var entry))
            {
                _released[id] = entry.Deliveries;
            }
        }
    }

    private static TimeSpan Min(TimeSpan a, TimeSpan b) => a < b ? a : b;

    private static TimeSpan Max(TimeSpan a, TimeSpan b) => a > b ? a : b;

    private async Task EnsureGroupAsync(IDatabase db)
    {
        try
        {
            // From "0", not "$": entries published before any silo created the group must be delivered too.
            await db.StreamCreateConsumerGroupAsync(_key, _group, "0", createStream: true);
        }
        catch (RedisServerException e) when (e.Message.StartsWith("BUSYGROUP", StringComparison.Ordinal))
        {
        }

        _groupReady = true;
    }

    private void Release(IEnumerable<IBatchContainer> batch)
    {
        lock (_lock)
        {
            foreach (var container in batch.OfType<RedisStreamBatchContainer>())
            {
                var id = (string)container.EntryId!;
                if (_inFlight.Remove(id, out var entry))
                {
                    _bySequence.Remove(entry.Sequence);
                    _released[id] = entry.Deliveries;
                }
            }
        }
    }

    private async Task CheckPendingAsync(IDatabase db, List<IBatchContainer> batch, int budget, long now)
    {
        var own = new Dictionary<string, int>(StringComparer.Ordinal);
        lock (_lock)
        {
            foreach (var (id, deliveries) in _released.Take(budget).ToList())
            {
                own[id] = deliveries;
                _released.Remove(id);
            }
        }

        if (now >= _nextOwnScan && own.Count < budget)
        {
            // Entries pending under this consumer that nothing here tracks: left by a previous receiver of this name
            // (the first scan, all of them), or lost track of when a Redis call failed after Redis had executed it
            // (later scans, once idle for ClaimIdleTime so entries being taken right now are not picked). Paged across
            // pending checks, since a slow consumer's in-flight entries can fill whole pages.
            var want = budget - own.Count;
            var page = await db.StreamPendingMessagesAsync(_key, _group, want, _consumer, _ownScanFrom, "+", _ownScanMinIdleMs);
            lock (_lock)
            {
                foreach (var p in page)
                {
                    var id = (string)p.MessageId!;
                    if (!_inFlight.ContainsKey(id) && !_released.ContainsKey(id))
                    {
                        own.TryAdd(id, p.DeliveryCount);
                    }
                }
            }

            if (page.Length < want)
            {
                _ownScanFrom = "-";
                _ownScanMinIdleMs = (long)_options.ClaimIdleTime.TotalMilliseconds;
                _nextOwnScan = now + (long)Max(_options.ClaimIdleTime, _options.PendingCheckInterval).TotalMilliseconds;
            }
            else
            {
                _ownScanFrom = "(" + (string)page[^1].MessageId!;
            }
        }

        await ClaimAsync(db, own, minIdleMs: 0, batch, from: _consumer);

        if (batch.Count >= budget)
        {
            return;
        }

        var claimIdleMs = (long)_options.ClaimIdleTime.TotalMilliseconds;
        var summary = await db.StreamPendingAsync(_key, _group);
        foreach (var consumer in summary.Consumers)
        {
            if (batch.Count >= budget)
            {
                break;
            }

            var name = (string)consumer.Name!;
            if (name == _consumer || consumer.PendingMessageCount == 0)
            {
                continue;
            }

            var idle = await db.StreamPendingMessagesAsync(_key, _group, budget - batch.Count, name, "-", "+", claimIdleMs);
            // XCLAIM checks the idle time again, so an entry its owner touched in between is left to it.
            await ClaimAsync(db, idle.ToDictionary(p => (string)p.MessageId!, p => p.DeliveryCount, StringComparer.Ordinal), claimIdleMs, batch, from: name);
        }
    }

    private async Task ClaimAsync(IDatabase db, Dictionary<string, int> candidates, long minIdleMs, List<IBatchContainer> batch, string from)
    {
        if (candidates.Count == 0)
        {
            return;
        }

        // Entries trimmed away meanwhile are not returned (Redis 7 drops them from the PEL).
        var claimed = await db.StreamClaimAsync(_key, _group, _consumer, minIdleMs, [.. candidates.Keys.Select(k => (RedisValue)k)]);
        var count = 0;
        foreach (var entry in claimed)
        {
            if (entry.IsNull || !candidates.TryGetValue((string)entry.Id!, out var previous))
            {
                continue;
            }

            count++;
            if (previous >= _options.MaxDeliveries)
            {
                await DeadLetterAsync(db, entry, previous, $"not acknowledged after {previous} deliveries");
            }
            else
            {
                await AcceptAsync(db, entry, previous + 1, batch);
            }
        }

        if (count > 0)
        {
            LogClaimed(_logger, count, _key.ToString(), from);
        }
    }

    private async Task AcceptAsync(IDatabase db, StreamEntry entry, int deliveries, List<IBatchContainer> batch)
    {
        var payload = entry[RedisStreamAdapterFactory.PayloadField];
        if (payload.IsNull)
        {
            await DeadLetterAsync(db, entry, deliveries, $"no '{RedisStreamAdapterFactory.PayloadField}' field");
            return;
        }

        RedisStreamBatchContainer? container;
        try
        {
            container = _factory.Serializer.Deserialize<RedisStreamBatchContainer>((byte[])payload!);
        }
#pragma warning disable CA1031 // Whatever the serializer throws on, the entry is poison and must leave the queue.
        catch (Exception e)
#pragma warning restore CA1031
        {
            await DeadLetterAsync(db, entry, deliveries, $"cannot be deserialized: {e.GetType().Name}: {e.Message}");
            return;
        }

        if (container is null)
        {
            await DeadLetterAsync(db, entry, deliveries, "the payload is an empty batch");
            return;
        }

        var sequence = _factory.NextSequence();
        container.MarkRead(entry.Id, sequence);
        lock (_lock)
        {
            _inFlight[(string)entry.Id!] = new InFlight(sequence, deliveries);
            _bySequence[sequence] = (string)entry.Id!;
        }

        batch.Add(container);
    }

    private async Task DeadLetterAsync(IDatabase db, StreamEntry entry, int deliveries, string reason)
    {
        NameValueEntry[] fields =
        [
            new("dead-letter:reason", reason),
            new("dead-letter:queue", _key.ToString()),
            new("dead-letter:id", entry.Id),
            new("dead-letter:deliveries", deliveries),
            new("dead-letter:consumer", _consumer),
            .. entry.Values,
        ];
        try
        {
            // Not one transaction: in a Redis cluster the two keys may live on different nodes. A crash in between
            // leaves the entry pending, so it is dead-lettered again; a duplicate dead letter is harmless.
            await db.StreamAddAsync(_factory.DeadLetterKey, fields, maxLength: _options.MaxDeadLetterLength, useApproximateMaxLength: true);
            await db.StreamAcknowledgeAsync(_key, _group, entry.Id);
            LogDeadLettered(_logger, entry.Id.ToString(), _key.ToString(), reason, _factory.DeadLetterKey);
        }
        catch (Exception e) when (e is RedisException or TimeoutException)
        {
            LogDeadLetterFailed(_logger, e, entry.Id.ToString(), _key.ToString());
            lock (_lock)
            {
                _released[(string)entry.Id!] = deliveries;
            }
        }
    }

    private async Task RemoveIdleConsumersAsync(IDatabase db)
    {
        var idleMs = (long)_options.RemoveIdleConsumersAfter.TotalMilliseconds;
        foreach (var consumer in await db.StreamConsumerInfoAsync(_key, _group))
        {
            // Only empty ones: deleting a consumer drops its pending entries from the PEL, and they would never be claimed.
            if (consumer.Name != _consumer && consumer.PendingMessageCount == 0 && consumer.IdleTimeInMilliseconds >= idleMs)
            {
                await db.StreamDeleteConsumerAsync(_key, _group, consumer.Name);
                LogConsumerRemoved(_logger, consumer.Name, _key.ToString());
            }
        }
    }

    private readonly record struct InFlight(long Sequence, int Deliveries);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Reading {Key} as {Consumer} of group {Group}")]
    private static partial void LogInitialized(ILogger logger, string key, string group, string consumer);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Creating the consumer group on {Key} failed; the first read tries again")]
    private static partial void LogInitializeFailed(ILogger logger, Exception exception, string key);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Consumer group {Group} of {Key} is gone; it is created again")]
    private static partial void LogGroupMissing(ILogger logger, string key, string group);

    [LoggerMessage(Level = LogLevel.Information, Message = "Claimed {Count} unacknowledged entries of {Key} from {From} to deliver them again")]
    private static partial void LogClaimed(ILogger logger, int count, string key, string from);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Acknowledging {Count} delivered entries of {Key} failed; they will be delivered again")]
    private static partial void LogAcknowledgeFailed(ILogger logger, Exception exception, int count, string key);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Count} entries of {Key} left the cache before any consumer was handed them; they are read again, not acknowledged")]
    private static partial void LogUntaken(ILogger logger, int count, string key);

    [LoggerMessage(Level = LogLevel.Error, Message = "Entry {Id} of {Key} is poison ({Reason}); moved to {DeadLetterKey}")]
    private static partial void LogDeadLettered(ILogger logger, string id, string key, string reason, string deadLetterKey);

    [LoggerMessage(Level = LogLevel.Error, Message = "Moving poison entry {Id} of {Key} to the dead-letter key failed; it is tried again")]
    private static partial void LogDeadLetterFailed(ILogger logger, Exception exception, string id, string key);

    [LoggerMessage(Level = LogLevel.Information, Message = "Removed idle consumer {Consumer} with nothing pending from {Key}")]
    private static partial void LogConsumerRemoved(ILogger logger, string consumer, string key);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Stopped reading {Key} as {Consumer}; unacknowledged entries stay pending for the next owner")]
    private static partial void LogShutdown(ILogger logger, string key, string consumer);
}
