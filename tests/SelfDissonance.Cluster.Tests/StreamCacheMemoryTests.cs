using Microsoft.Extensions.DependencyInjection;
using Orleans.Streams;
using Orleans.TestingHost;
using SelfDissonance.Streaming;
using SelfDissonance.Testing;

namespace SelfDissonance.Cluster.Tests;

/// <summary>
/// The silo's memory streams give the memory of their cache back once messages are older than the retention, even
/// when no new message arrives. Orleans' own pool kept every 1 MB block it made, so an idle silo held its busiest minute.
/// </summary>
public sealed class StreamCacheMemoryTests
{
    private const string Provider = "sd-cache-memory-test";

    [Fact]
    public async Task Cache_blocks_go_back_after_the_retention_while_idle()
    {
        var builder = new InProcessTestClusterBuilder(1);
        builder.ConfigureSilo((_, silo) => silo.AddReleasingMemoryStreams(Provider, streams =>
        {
            streams.ConfigurePartitioning(1);
            streams.ConfigureStreamPubSub(StreamPubSubType.ImplicitOnly);
            streams.ConfigureCacheEviction(o => o.Configure(e =>
            {
                // Long enough that nothing is evicted (and its block reused) while the test publishes on a busy machine.
                e.DataMinTimeInCache = TimeSpan.FromSeconds(10);
                e.DataMaxAgeInCache = TimeSpan.Zero;
            }));
        }));
        builder.ConfigureClient(client => client.AddMemoryStreams(Provider, streams =>
        {
            streams.ConfigurePartitioning(1);
            streams.ConfigureStreamPubSub(StreamPubSubType.ImplicitOnly);
        }));
        await using var cluster = builder.Build();
        await cluster.DeployAsync(TestContext.Current.CancellationToken);
        var pool = ((ReleasingMemoryStreams.AdapterFactory)cluster.Silos[0].ServiceProvider
            .GetRequiredKeyedService<IQueueAdapterFactory>(Provider)).Pool;

        // About 24 MB of messages: 2 KB each, 12,000, in batches so the test does not wait on one call per message.
        var stream = cluster.Client.GetStreamProvider(Provider).GetStream<byte[]>(StreamId.Create("cache-test", "s1"));
        for (var batch = 0; batch < 120; batch++)
        {
            // Distinct arrays: the serializer writes a repeated reference once.
            await stream.OnNextBatchAsync(Enumerable.Range(0, 100).Select(i => new byte[2048]).ToList());
        }

        await Eventually.ReturnsAsync(() => Task.FromResult(pool.Created), c => c >= 20, TimeSpan.FromSeconds(30), "the cache storing the messages in 20 or more blocks");
        var held = await Eventually.ReturnsAsync(
            () => Task.FromResult(pool.Held),
            h => h <= ReleasingBlockPool.MaxFree + 1,
            TimeSpan.FromSeconds(60),
            $"the cache releasing all but {ReleasingBlockPool.MaxFree} free blocks and the one holding the newest message");
        Assert.True(pool.Created >= 20, $"{pool.Created} blocks made");
        Assert.InRange(held, 1, ReleasingBlockPool.MaxFree + 1);
    }

    [Fact]
    public void The_pool_reuses_free_blocks_and_keeps_at_most_MaxFree()
    {
        var pool = new ReleasingBlockPool();
        var blocks = Enumerable.Range(0, ReleasingBlockPool.MaxFree + 5).Select(_ => pool.Allocate()).ToList();
        Assert.Equal(ReleasingBlockPool.MaxFree + 5, pool.Created);
        Assert.Equal(ReleasingBlockPool.MaxFree + 5, pool.Held);

        blocks.ForEach(b => b.Dispose());
        Assert.Equal(ReleasingBlockPool.MaxFree, pool.Held);

        var reused = pool.Allocate();
        Assert.Contains(reused, blocks);
        Assert.Equal(ReleasingBlockPool.MaxFree + 5, pool.Created);
        Assert.True(reused.TryGetSegment(1024, out var segment));
        Assert.Equal(1024, segment.Count);
    }
}
