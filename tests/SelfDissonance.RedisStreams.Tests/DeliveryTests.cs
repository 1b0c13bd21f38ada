using System.Diagnostics;
using SelfDissonance.Testing;
using StackExchange.Redis;

namespace SelfDissonance.RedisStreams.Tests;

/// <summary>End to end through a silo: producer (cluster client) → XADD → pulling agent → implicit-subscription grain.</summary>
public sealed class DeliveryTests(RedisFixture redis, SingleSiloCluster fixture) : IClassFixture<SingleSiloCluster>
{
    private static readonly TimeSpan s_timeout = TimeSpan.FromSeconds(20);
    private readonly IDatabase _db = redis.Db;

    [Fact]
    public async Task Events_on_a_stream_arrive_in_publish_order()
    {
        const int count = 300;
        string[] keys = [$"ordered-a-{Guid.NewGuid():N}", $"ordered-b-{Guid.NewGuid():N}"];
        var streams = keys.Select(k => ProbeStreams.Get(fixture.Client, SingleSiloCluster.Ordered, k)).ToArray();

        // Two streams published alternately: each keeps its own order whether or not they share a queue.
        for (var i = 0; i < count; i++)
        {
            foreach (var (stream, key) in streams.Zip(keys))
            {
                await stream.OnNextAsync(new ProbeEvent($"{key}-{i}", i, ProbeBehaviour.Normal));
            }
        }

        foreach (var key in keys)
        {
            var order = await Eventually.ReturnsAsync(() => Task.FromResult(ProbeLedger.Order(key)), o => o.Count >= count, s_timeout, $"{count} events on {key}");
            Assert.Equal(Enumerable.Range(0, count), order);
            Assert.All(Enumerable.Range(0, count), i => Assert.Single(ProbeLedger.Deliveries($"{key}-{i}")));
        }

        await Eventually.ReturnsAsync(() => PendingCountAsync(SingleSiloCluster.Ordered, SingleSiloCluster.OrderedQueues), n => n == 0, s_timeout, "every entry acknowledged");
    }

    [Fact]
    public async Task An_entry_is_acknowledged_only_after_its_consumer_has_processed_it()
    {
        var provider = SingleSiloCluster.Acks;
        var run = Guid.NewGuid().ToString("N");

        // Processed events leave nothing pending.
        var ids = new List<string>();
        for (var i = 0; i < 20; i++)
        {
            var id = $"ack-{run}-{i}";
            ids.Add(id);
            await ProbeStreams.Get(fixture.Client, provider, $"ack-{run}-{i % 5}").OnNextAsync(new ProbeEvent(id, i, ProbeBehaviour.Normal));
        }

        await Eventually.ReturnsAsync(() => Task.FromResult(ids.Count(ProbeLedger.IsProcessed)), n => n == ids.Count, s_timeout, "all events processed");
        await Eventually.ReturnsAsync(() => PendingCountAsync(provider, SingleSiloCluster.AckQueues), n => n == 0, s_timeout, "XPENDING back to 0");

        // A consumer blocked inside OnNextAsync keeps its entry pending.
        var blocked = $"ack-{run}-blocked";
        await ProbeStreams.Get(fixture.Client, provider, blocked).OnNextAsync(new ProbeEvent(blocked, 0, ProbeBehaviour.WaitForGate));
        await Eventually.ReturnsAsync(() => Task.FromResult(ProbeLedger.Deliveries(blocked).Count), n => n == 1, s_timeout, "the consumer entering OnNextAsync");

        // Held well past ClaimIdleTime: the entry stays pending, delivered once, never claimed back by its own receiver.
        var hold = Stopwatch.StartNew();
        while (hold.Elapsed < SingleSiloCluster.AckClaimIdleTime * 2.5)
        {
            var pending = await RedisProbe.PendingAsync(_db, fixture.Prefix(provider), SingleSiloCluster.AckQueues);
            var entry = Assert.Single(pending);
            Assert.Equal(1, entry.DeliveryCount);
            Assert.Single(ProbeLedger.Deliveries(blocked));
            Assert.False(ProbeLedger.IsProcessed(blocked));
            await Task.Delay(100, TestContext.Current.CancellationToken);
        }

        ProbeLedger.Open(blocked, process: true);
        await Eventually.ReturnsAsync(() => Task.FromResult(ProbeLedger.IsProcessed(blocked)), p => p, s_timeout, "the blocked event processed");
        await Eventually.ReturnsAsync(() => PendingCountAsync(provider, SingleSiloCluster.AckQueues), n => n == 0, s_timeout, "XPENDING back to 0 after the consumer finished");
        Assert.Single(ProbeLedger.Deliveries(blocked));
    }

    [Fact]
    public async Task Poison_entries_go_to_the_dead_letter_key_and_later_messages_keep_flowing()
    {
        var provider = SingleSiloCluster.Poison;
        var prefix = fixture.Prefix(provider);
        var run = Guid.NewGuid().ToString("N");
        var s = ProbeStreams.Get(fixture.Client, provider, $"poison-{run}-s");
        var t = ProbeStreams.Get(fixture.Client, provider, $"poison-{run}-t");

        // Not an Orleans payload at all, written by some other writer straight into the (only) queue key.
        var garbage = await _db.StreamAddAsync(RedisProbe.QueueKey(prefix, 0), "b", new byte[] { 0xde, 0xad, 0xbe, 0xef, 0x00, 0x17 });
        var throwing = $"poison-{run}-throw";
        await s.OnNextAsync(new ProbeEvent(throwing, 0, ProbeBehaviour.Throw));
        await s.OnNextAsync(new ProbeEvent($"poison-{run}-after-s", 1, ProbeBehaviour.Normal));
        await t.OnNextAsync(new ProbeEvent($"poison-{run}-after-t", 0, ProbeBehaviour.Normal));

        // Later messages on the same stream and on another stream of the same queue are delivered.
        await Eventually.ReturnsAsync(() => Task.FromResult(ProbeLedger.IsProcessed($"poison-{run}-after-s") && ProbeLedger.IsProcessed($"poison-{run}-after-t")), p => p, s_timeout, "messages after the poison ones");

        var deadLetters = await Eventually.ReturnsAsync(() => DeadLettersAsync(prefix), d => d.Count >= 2, s_timeout, "two dead letters");
        var garbageLetter = Assert.Single(deadLetters, d => d["dead-letter:id"] == garbage.ToString());
        Assert.Contains("cannot be deserialized", garbageLetter["dead-letter:reason"], StringComparison.Ordinal);
        Assert.Equal(RedisProbe.QueueKey(prefix, 0), garbageLetter["dead-letter:queue"]);
        var throwLetter = Assert.Single(deadLetters, d => d["dead-letter:id"] != garbage.ToString());
        Assert.Contains($"after {SingleSiloCluster.PoisonMaxDeliveries} deliveries", throwLetter["dead-letter:reason"], StringComparison.Ordinal);
        // Delivered again after each failed round (the agent itself also retries within a round).
        Assert.True(ProbeLedger.Deliveries(throwing).Count >= SingleSiloCluster.PoisonMaxDeliveries);
        Assert.False(ProbeLedger.IsProcessed(throwing));

        // The queue still flows after the poison is gone, and nothing is left pending.
        await s.OnNextAsync(new ProbeEvent($"poison-{run}-later", 2, ProbeBehaviour.Normal));
        await Eventually.ReturnsAsync(() => Task.FromResult(ProbeLedger.IsProcessed($"poison-{run}-later")), p => p, s_timeout, "a message published after dead-lettering");
        await Eventually.ReturnsAsync(() => PendingCountAsync(provider, 1), n => n == 0, s_timeout, "XPENDING back to 0");
    }

    private async Task<int> PendingCountAsync(string provider, int queues) =>
        (await RedisProbe.PendingAsync(_db, fixture.Prefix(provider), queues)).Length;

    private async Task<List<Dictionary<string, string>>> DeadLettersAsync(string prefix) =>
        [.. (await RedisProbe.DeadLettersAsync(_db, prefix)).Select(e => e.Values.ToDictionary(v => (string)v.Name!, v => (string?)v.Value ?? ""))];
}
