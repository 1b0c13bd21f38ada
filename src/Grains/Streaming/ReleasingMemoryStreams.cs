using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Orleans.Configuration;
using Orleans.Providers;
using Orleans.Providers.Streams.Common;
using Orleans.Streams;

namespace SelfDissonance.Streaming;

/// <summary>
/// Orleans' memory streams with a cache that gives its memory back. Orleans' <c>MemoryAdapterFactory</c> stores cached
/// messages in 1 MB blocks from a pool that keeps every block it ever made, so a silo held the memory of its busiest
/// minute for good: 130 MB of blocks after a million episodes, idle. Everything here is Orleans' own (queue grains,
/// mapper, receivers, cache, eviction); only the block pool differs, and Orleans offers no option or hook for it, hence
/// this small wrapper.
/// </summary>
public static class ReleasingMemoryStreams
{
    /// <summary>Like <c>AddMemoryStreams</c>, with <see cref="ReleasingBlockPool"/> under each queue's cache.</summary>
    public static ISiloBuilder AddReleasingMemoryStreams(this ISiloBuilder silo, string name, Action<ISiloMemoryStreamConfigurator> configure)
    {
        configure(new Configurator(name, services => silo.ConfigureServices(services)));
        return silo;
    }

    private sealed class Configurator : SiloRecoverableStreamConfigurator, ISiloMemoryStreamConfigurator
    {
        public Configurator(string name, Action<Action<IServiceCollection>> configureServices)
            : base(name, configureServices, AdapterFactory.Create) =>
            ConfigureDelegate(services => services.ConfigureNamedOptionForLogging<HashRingStreamQueueMapperOptions>(name));
    }

    /// <summary>Orleans' memory-stream adapter factory with <see cref="Pool"/> under its caches.</summary>
    public sealed class AdapterFactory(
        MemoryAdapterFactory<DefaultMemoryMessageBodySerializer> inner,
        StreamCacheEvictionOptions eviction,
        DefaultMemoryMessageBodySerializer serializer,
        ILoggerFactory loggerFactory,
        string name) : IQueueAdapterFactory, IQueueAdapterCache
    {
        private readonly TimePurgePredicate _purge = new(eviction.DataMinTimeInCache, eviction.DataMaxAgeInCache);

        /// <summary>The blocks every queue cache of this provider stores messages in.</summary>
        public ReleasingBlockPool Pool { get; } = new();

        public static IQueueAdapterFactory Create(IServiceProvider services, string name) => new AdapterFactory(
            MemoryAdapterFactory<DefaultMemoryMessageBodySerializer>.Create(services, name),
            services.GetOptionsByName<StreamCacheEvictionOptions>(name),
            ActivatorUtilities.GetServiceOrCreateInstance<DefaultMemoryMessageBodySerializer>(services),
            services.GetRequiredService<ILoggerFactory>(),
            name);

        public Task<IQueueAdapter> CreateAdapter() => inner.CreateAdapter();

        public IQueueAdapterCache GetQueueAdapterCache() => this;

        public IStreamQueueMapper GetStreamQueueMapper() => inner.GetStreamQueueMapper();

        public Task<IStreamFailureHandler> GetDeliveryFailureHandler(QueueId queueId) => inner.GetDeliveryFailureHandler(queueId);

        public IQueueCache CreateQueueCache(QueueId queueId) => new MemoryPooledCache<DefaultMemoryMessageBodySerializer>(
            Pool,
            _purge,
            loggerFactory.CreateLogger($"{typeof(MemoryPooledCache<DefaultMemoryMessageBodySerializer>).FullName}.{name}.{queueId}"),
            serializer,
            cacheMonitor: null,
            monitorWriteInterval: null,
            purgeMetadataInterval: eviction.MetadataMinTimeInCache);
    }
}

/// <summary>
/// A pool of the 1 MB blocks memory-stream caches store messages in that keeps at most <see cref="MaxFree"/> free
/// blocks: enough that a steady stream reuses blocks as fast as the cache's eviction frees them, while the blocks of a
/// burst go back to the garbage collector once evicted.
/// </summary>
public sealed class ReleasingBlockPool : IObjectPool<FixedSizeBuffer>
{
    public const int BlockSize = 1 << 20;

    public const int MaxFree = 8;

    private readonly Stack<FixedSizeBuffer> _free = new();
    private readonly Lock _lock = new();
    private long _created;
    private int _inUse;

    /// <summary>Blocks made so far (each time the pool had none free).</summary>
    public long Created
    {
        get
        {
            lock (_lock)
            {
                return _created;
            }
        }
    }

    /// <summary>Blocks the pool holds: handed to a cache and not yet evicted, plus those kept free.</summary>
    public int Held
    {
        get
        {
            lock (_lock)
            {
                return _inUse + _free.Count;
            }
        }
    }

    public FixedSizeBuffer Allocate()
    {
        FixedSizeBuffer? block;
        lock (_lock)
        {
            _inUse++;
            if (!_free.TryPop(out block))
            {
                _created++;
            }
        }

        block ??= new FixedSizeBuffer(BlockSize);
        block.Pool = this;
        return block;
    }

    public void Free(FixedSizeBuffer resource)
    {
        lock (_lock)
        {
            _inUse--;
            if (_free.Count < MaxFree)
            {
                _free.Push(resource);
            }
        }
    }
}
