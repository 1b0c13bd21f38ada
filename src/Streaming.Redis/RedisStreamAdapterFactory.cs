using System.Collections.Concurrent;
using System.Globalization;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.Configuration;
using Orleans.Providers.Streams.Common;
using Orleans.Serialization;
using Orleans.Streams;
using StackExchange.Redis;

namespace SelfDissonance.Streaming.RedisStreams;

/// <summary>
/// A durable persistent-stream provider on Redis Streams: one stream key per queue, one consumer group per provider,
/// acknowledgement only after delivery, re-delivery of what a dead silo left unacknowledged, and a dead-letter key for
/// poison entries. Hand-written because the official Microsoft.Orleans.Streaming.Redis package is not in our package source.
/// One <see cref="ConnectionMultiplexer"/> is shared by the provider's adapter and all its receivers.
/// </summary>
public sealed partial class RedisStreamAdapterFactory : IQueueAdapterFactory, IAsyncDisposable, IDisposable
{
    /// <summary>The entry field that holds the serialized batch.</summary>
    internal const string PayloadField = "b";

    private readonly RedisStreamOptions _options;
    private readonly Serializer _serializer;
    private readonly ILoggerFactory _loggerFactory;
    private readonly ILogger _logger;
    private readonly HashRingBasedStreamQueueMapper _mapper;
    private readonly SimpleQueueAdapterCache _cache;
    private readonly ConcurrentDictionary<QueueId, RedisStreamReceiver> _receivers = new();
    private readonly LazyRedisConnection _connection;
    private long _sequence;

    /// <summary>Creates a factory; <paramref name="consumerIdentity"/> names this process's consumers in the group and must differ between live silos.</summary>
    public RedisStreamAdapterFactory(string providerName, RedisStreamOptions options, string serviceId, string consumerIdentity, Serializer serializer, ILoggerFactory loggerFactory)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate(providerName);
        Name = providerName;
        _options = options;
        _serializer = serializer;
        _loggerFactory = loggerFactory;
        _logger = loggerFactory.CreateLogger<RedisStreamAdapterFactory>();
        ConsumerIdentity = consumerIdentity;
        KeyPrefix = options.KeyPrefix ?? $"{serviceId}:streams:{providerName}";
        ConsumerGroup = options.ConsumerGroup ?? providerName;
        _mapper = new HashRingBasedStreamQueueMapper(new HashRingStreamQueueMapperOptions { TotalQueueCount = options.QueueCount }, providerName);
        _cache = new SimpleQueueAdapterCache(new SimpleQueueCacheOptions { CacheSize = options.CacheSize }, providerName, loggerFactory);
        _connection = new LazyRedisConnection(ConnectAsync);
    }

    /// <summary>The stream provider name.</summary>
    public string Name { get; }

    /// <summary>Prefix of the queue keys and the dead-letter key.</summary>
    public string KeyPrefix { get; }

    /// <summary>The consumer group the silos read with.</summary>
    public string ConsumerGroup { get; }

    /// <summary>This process's part of its consumer names (<c>{identity}/{queue}</c>).</summary>
    public string ConsumerIdentity { get; }

    /// <summary>Where poison entries go, with the reason.</summary>
    public string DeadLetterKey => $"{KeyPrefix}:dead";

    internal RedisStreamOptions Options => _options;

    internal Serializer Serializer => _serializer;

    /// <summary>What <c>AddPersistentStreams</c> calls: options by provider name; the consumer identity is the silo address.</summary>
    public static RedisStreamAdapterFactory Create(IServiceProvider services, string name)
    {
        ArgumentNullException.ThrowIfNull(services);
        var options = services.GetRequiredService<IOptionsMonitor<RedisStreamOptions>>().Get(name);
        var serviceId = services.GetRequiredService<IOptions<ClusterOptions>>().Value.ServiceId;
        // The silo address carries the silo's generation, so a restarted silo gets new consumer names and claims its
        // predecessor's entries like any other dead consumer's. Clients only produce and never need a consumer name.
        var identity = services.GetService<ILocalSiloDetails>()?.SiloAddress.ToParsableString()
            ?? $"client-{Environment.MachineName}-{Environment.ProcessId.ToString(CultureInfo.InvariantCulture)}";
        return new RedisStreamAdapterFactory(name, options, serviceId, identity, services.GetRequiredService<Serializer>(), services.GetRequiredService<ILoggerFactory>());
    }

    /// <summary>The Redis key of a queue.</summary>
    public string QueueKey(QueueId queueId) => QueueKey((int)queueId.GetNumericId());

    /// <summary>The Redis key of queue <paramref name="queue"/>.</summary>
    public string QueueKey(int queue) => $"{KeyPrefix}:{queue.ToString(CultureInfo.InvariantCulture)}";

    /// <inheritdoc />
    [Obsolete("Use the overload which accepts a CancellationToken.")]
    public Task<IQueueAdapter> CreateAdapter() => CreateAdapter(CancellationToken.None);

    /// <inheritdoc />
    public async Task<IQueueAdapter> CreateAdapter(CancellationToken cancellationToken)
    {
        // Connect now so a wrong connection string fails the provider's start instead of the first publish.
        await GetDatabaseAsync(cancellationToken);
        return new RedisStreamAdapter(this, _mapper, _loggerFactory.CreateLogger<RedisStreamAdapter>());
    }

    /// <inheritdoc />
    public IQueueAdapterCache GetQueueAdapterCache() => _cache;

    /// <inheritdoc />
    public IStreamQueueMapper GetStreamQueueMapper() => _mapper;

    /// <inheritdoc />
    public Task<IStreamFailureHandler> GetDeliveryFailureHandler(QueueId queueId) =>
        Task.FromResult<IStreamFailureHandler>(new RedisStreamDeliveryFailureHandler(this, queueId, _loggerFactory.CreateLogger<RedisStreamDeliveryFailureHandler>()));

    /// <summary>
    /// Per queue: entries, unacknowledged entries, unread entries and the age of the oldest entry not yet acknowledged.
    /// Reads Redis only (XLEN, XINFO GROUPS, XPENDING, XRANGE), so any silo or client of the provider can report it.
    /// </summary>
    public async Task<IReadOnlyList<RedisStreamQueueLag>> GetLagAsync(CancellationToken cancellationToken = default)
    {
        var db = await GetDatabaseAsync(cancellationToken);
        var now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        var lags = new List<RedisStreamQueueLag>(_options.QueueCount);
        for (var queue = 0; queue < _options.QueueCount; queue++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var key = QueueKey(queue);
            var length = await db.StreamLengthAsync(key);
            StreamGroupInfo? group = null;
            if (length > 0 || await db.KeyExistsAsync(key))
            {
                group = (await db.StreamGroupInfoAsync(key)).Where(g => g.Name == ConsumerGroup).Cast<StreamGroupInfo?>().FirstOrDefault();
            }

            long? oldest = null;
            var pending = group?.PendingMessageCount ?? 0;
            if (pending > 0)
            {
                oldest = EntryTimeMs((await db.StreamPendingAsync(key, ConsumerGroup)).LowestPendingMessageId);
            }

            // Entries after the group's last delivered id have not been read by any silo yet.
            var firstUnread = await db.StreamRangeAsync(key, group is { } g ? "(" + g.LastDeliveredId : "-", "+", count: 1);
            if (firstUnread.Length > 0 && EntryTimeMs(firstUnread[0].Id) is { } unreadMs)
            {
                oldest = oldest is { } o ? Math.Min(o, unreadMs) : unreadMs;
            }

            var unread = group is { } known ? known.Lag : length;
            var age = oldest is { } ms ? TimeSpan.FromMilliseconds(Math.Max(0, now - ms)) : (TimeSpan?)null;
            lags.Add(new RedisStreamQueueLag(queue, key, length, pending, unread, age));
        }

        return lags;
    }

    /// <inheritdoc />
    public ValueTask DisposeAsync() => _connection.DisposeAsync();

    /// <inheritdoc />
    public void Dispose() => DisposeAsync().AsTask().GetAwaiter().GetResult();

    internal IQueueAdapterReceiver CreateReceiver(QueueId queueId)
    {
        var receiver = new RedisStreamReceiver(this, queueId, QueueKey(queueId), $"{ConsumerIdentity}/{queueId.GetNumericId().ToString(CultureInfo.InvariantCulture)}", _loggerFactory.CreateLogger<RedisStreamReceiver>());
        _receivers[queueId] = receiver;
        return receiver;
    }

    internal void RemoveReceiver(QueueId queueId, RedisStreamReceiver receiver) =>
        _receivers.TryRemove(new KeyValuePair<QueueId, RedisStreamReceiver>(queueId, receiver));

    internal void ReleaseFailedDelivery(QueueId queueId, StreamSequenceToken token)
    {
        if (_receivers.TryGetValue(queueId, out var receiver))
        {
            receiver.ReleaseFailedDelivery(token.SequenceNumber);
        }
    }

    /// <summary>Sequence numbers unique across this factory's receivers, so a late failure report from a replaced receiver cannot match another entry.</summary>
    internal long NextSequence() => Interlocked.Increment(ref _sequence);

    internal async Task<IDatabase> GetDatabaseAsync(CancellationToken cancellationToken = default) =>
        (await _connection.GetAsync(cancellationToken)).GetDatabase(_options.Database);

    internal static long? EntryTimeMs(RedisValue entryId)
    {
        var text = (string?)entryId;
        var dash = text?.IndexOf('-', StringComparison.Ordinal) ?? -1;
        return dash > 0 && long.TryParse(text.AsSpan(0, dash), NumberStyles.None, CultureInfo.InvariantCulture, out var ms) ? ms : null;
    }

    private async Task<ConnectionMultiplexer> ConnectAsync()
    {
        var configuration = _options.ConfigurationOptions?.Clone() ?? ConfigurationOptions.Parse(_options.ConnectionString!);
        var connection = await ConnectionMultiplexer.ConnectAsync(configuration);
        LogConnected(_logger, Name, KeyPrefix, ConsumerGroup);
        return connection;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Redis stream provider {Provider} connected: keys {KeyPrefix}:*, consumer group {Group}")]
    private static partial void LogConnected(ILogger logger, string provider, string keyPrefix, string group);
}
