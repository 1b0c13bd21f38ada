using StackExchange.Redis;

namespace SelfDissonance.Streaming.RedisStreams;

/// <summary>Settings of one Redis Streams stream provider (named options, keyed by the provider name).</summary>
public sealed class RedisStreamOptions
{
    /// <summary>A StackExchange.Redis configuration string; ignored when <see cref="ConfigurationOptions"/> is set.</summary>
    public string? ConnectionString { get; set; }

    /// <summary>Full client configuration; takes precedence over <see cref="ConnectionString"/>.</summary>
    public ConfigurationOptions? ConfigurationOptions { get; set; }

    /// <summary>The Redis database number; -1 uses the configuration's default.</summary>
    public int Database { get; set; } = -1;

    /// <summary>
    /// Prefix of every key: queue <c>i</c> is <c>{KeyPrefix}:{i}</c>, dead letters go to <c>{KeyPrefix}:dead</c>.
    /// Null means <c>{ServiceId}:streams:{provider name}</c>, so two services sharing a Redis never share a queue.
    /// </summary>
    public string? KeyPrefix { get; set; }

    /// <summary>The consumer group every silo of the service reads with. Null means the provider name.</summary>
    public string? ConsumerGroup { get; set; }

    /// <summary>Number of queues (Redis stream keys); streams are spread over them by a hash ring.</summary>
    public int QueueCount { get; set; } = 8;

    /// <summary>
    /// Approximate cap (<c>XADD MAXLEN ~</c>) of each queue key. Trimming does not look at the consumer group: a backlog
    /// longer than this loses its oldest entries, so it must exceed the longest backlog the service may build up.
    /// </summary>
    public long MaxStreamLength { get; set; } = 100_000;

    /// <summary>Approximate cap of the dead-letter key.</summary>
    public long MaxDeadLetterLength { get; set; } = 10_000;

    /// <summary>Most entries one read (<c>XREADGROUP</c> or one claim pass) hands to the pulling agent.</summary>
    public int ReadBatchSize { get; set; } = 100;

    /// <summary>Size of each queue's in-memory cache; a full cache stops reading (back-pressure) until consumers catch up.</summary>
    public int CacheSize { get; set; } = 4096;

    /// <summary>How long an entry read by another consumer (a silo that died or gave the queue away) stays unacknowledged before it is claimed and delivered again.</summary>
    public TimeSpan ClaimIdleTime { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>How often a receiver looks at the pending entries list for entries to claim.</summary>
    public TimeSpan PendingCheckInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Delivery attempts (the XPENDING delivery count) after which an unacknowledged entry is moved to the dead-letter key.</summary>
    public int MaxDeliveries { get; set; } = 5;

    /// <summary>
    /// Acknowledge an entry only once a consumer took it: an entry the cache purged before any consumer was handed it is
    /// read again instead (without counting a delivery). Right for providers whose every stream has an implicit
    /// subscriber, where such an entry is always a loss; a provider with explicit subscriptions, where a stream may have
    /// no subscriber at all, turns it off (<see cref="SingleQueue"/> does) or would read such entries forever.
    /// </summary>
    public bool AcknowledgeOnlyWhatConsumersTook { get; set; } = true;

    /// <summary>Consumers of the group with nothing pending and idle this long (silos long gone) are deleted from the group.</summary>
    public TimeSpan RemoveIdleConsumersAfter { get; set; } = TimeSpan.FromHours(1);

    internal void Validate(string providerName)
    {
        static void Require(bool condition, string providerName, string message)
        {
            if (!condition)
            {
                throw new InvalidOperationException($"Redis stream provider '{providerName}': {message}");
            }
        }

        Require(ConfigurationOptions is not null || !string.IsNullOrWhiteSpace(ConnectionString), providerName, "set ConnectionString or ConfigurationOptions.");
        Require(QueueCount >= 1, providerName, "QueueCount must be at least 1.");
        Require(MaxStreamLength >= 1 && MaxDeadLetterLength >= 1, providerName, "MaxStreamLength and MaxDeadLetterLength must be positive.");
        Require(ReadBatchSize >= 1, providerName, "ReadBatchSize must be at least 1.");
        Require(CacheSize >= 10, providerName, "CacheSize must be at least 10.");
        Require(ClaimIdleTime > TimeSpan.Zero && PendingCheckInterval > TimeSpan.Zero, providerName, "ClaimIdleTime and PendingCheckInterval must be positive.");
        Require(MaxDeliveries >= 1, providerName, "MaxDeliveries must be at least 1.");
        Require(RemoveIdleConsumersAfter > TimeSpan.Zero, providerName, "RemoveIdleConsumersAfter must be positive.");
    }

    /// <summary>
    /// Settings for a low-volume provider with explicit subscriptions (control events, live task events): one queue,
    /// so its events stay in order, and a short stream.
    /// </summary>
    public static Action<RedisStreamOptions> SingleQueue(string connectionString) => o =>
    {
        o.ConnectionString = connectionString;
        o.QueueCount = 1;
        o.MaxStreamLength = 10_000;
        o.AcknowledgeOnlyWhatConsumersTook = false;
    };
}
