using System.Diagnostics;
using StackExchange.Redis;

namespace SelfDissonance.RedisStreams.Tests;

/// <summary>The receiver contract, driven directly: acknowledgement, re-delivery, claiming, dead letters, trimming, lag.</summary>
public sealed class ReceiverTests(RedisFixture redis)
{
    private static readonly TimeSpan s_timeout = TimeSpan.FromSeconds(10);
    private readonly IDatabase _db = redis.Db;

    [Fact]
    public async Task Entries_a_dead_receiver_read_but_never_acknowledged_are_delivered_by_a_new_receiver()
    {
        var prefix = RedisFixture.NewPrefix("restart");
        var options = DirectProvider.Options(redis, prefix);
        options.ClaimIdleTime = TimeSpan.FromSeconds(1);
        string[] ids = ["m0", "m1", "m2", "m3", "m4"];

        await using var siloA = DirectProvider.Factory(options, "silo-a");
        var queue = DirectProvider.Queue(siloA, 0);
        var first = await DirectProvider.ReceiverAsync(siloA, queue);
        await DirectProvider.PublishAsync(await siloA.CreateAdapter(TestContext.Current.CancellationToken), ids);
        Assert.Equal(ids, DirectProvider.Ids(await DirectProvider.ReadAsync(first, ids.Length, s_timeout)));
        var sinceRead = Stopwatch.StartNew();
        // No MessagesDeliveredAsync: silo A goes away with the entries in its cache.
        await first.Shutdown(TimeSpan.FromSeconds(5), TestContext.Current.CancellationToken);

        await using var siloB = DirectProvider.Factory(options, "silo-b");
        var second = await DirectProvider.ReceiverAsync(siloB, queue);
        var again = await DirectProvider.ReadAsync(second, ids.Length, s_timeout);

        Assert.Equal(ids, DirectProvider.Ids(again));
        // Claimed only once idle for ClaimIdleTime (Redis measures it; allow for the clock starting after the read).
        Assert.True(sinceRead.Elapsed >= options.ClaimIdleTime - TimeSpan.FromMilliseconds(100), $"claimed after {sinceRead.Elapsed}");
        var pending = await RedisProbe.PendingAsync(_db, prefix, 1);
        Assert.Equal(ids.Length, pending.Length);
        Assert.All(pending, p => Assert.Equal(("silo-b/0", 2), ((string?)p.ConsumerName, p.DeliveryCount)));

        await second.MessagesDeliveredAsync(DirectProvider.HandedToConsumer(again), TestContext.Current.CancellationToken);
        Assert.Empty(await RedisProbe.PendingAsync(_db, prefix, 1));
        Assert.Empty(await second.GetQueueMessagesAsync(100, TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task A_receiver_of_the_same_name_reads_its_own_pending_entries_again_at_once()
    {
        var prefix = RedisFixture.NewPrefix("own");
        var options = DirectProvider.Options(redis, prefix);
        // Far longer than the test: only the own-pending path can deliver the entries again.
        options.ClaimIdleTime = TimeSpan.FromMinutes(5);
        string[] ids = ["o0", "o1", "o2"];

        await using var before = DirectProvider.Factory(options, "silo-a");
        var queue = DirectProvider.Queue(before, 0);
        var first = await DirectProvider.ReceiverAsync(before, queue);
        await DirectProvider.PublishAsync(await before.CreateAdapter(TestContext.Current.CancellationToken), ids);
        Assert.Equal(3, (await DirectProvider.ReadAsync(first, ids.Length, s_timeout)).Count);
        await first.Shutdown(TimeSpan.FromSeconds(5), TestContext.Current.CancellationToken);

        await using var after = DirectProvider.Factory(options, "silo-a");
        var second = await DirectProvider.ReceiverAsync(after, queue);
        var again = await DirectProvider.ReadAsync(second, ids.Length, s_timeout);

        Assert.Equal(ids, DirectProvider.Ids(again));
        Assert.All(await RedisProbe.PendingAsync(_db, prefix, 1), p => Assert.Equal(2, p.DeliveryCount));
    }

    [Fact]
    public async Task An_entry_in_flight_is_never_claimed_back_and_a_failed_one_is_retried_then_dead_lettered()
    {
        var prefix = RedisFixture.NewPrefix("inflight");
        var options = DirectProvider.Options(redis, prefix);
        options.ClaimIdleTime = TimeSpan.FromMilliseconds(200);
        options.MaxDeliveries = 2;

        await using var factory = DirectProvider.Factory(options, "silo-a");
        var queue = DirectProvider.Queue(factory, 0);
        var receiver = await DirectProvider.ReceiverAsync(factory, queue);
        await DirectProvider.PublishAsync(await factory.CreateAdapter(TestContext.Current.CancellationToken), "slow");
        var first = Assert.Single(await DirectProvider.ReadAsync(receiver, 1, s_timeout));

        // A slow consumer: several times ClaimIdleTime pass and the receiver keeps reading, but never hands it out twice.
        var hold = Stopwatch.StartNew();
        while (hold.Elapsed < options.ClaimIdleTime * 5)
        {
            Assert.Empty(await receiver.GetQueueMessagesAsync(100, TestContext.Current.CancellationToken));
            await Task.Delay(25, TestContext.Current.CancellationToken);
        }

        Assert.Equal(1, Assert.Single(await RedisProbe.PendingAsync(_db, prefix, 1)).DeliveryCount);

        // The agent gives up on it: delivered again by the next pending check.
        var failures = await factory.GetDeliveryFailureHandler(queue);
        await failures.OnDeliveryFailure(GuidId.GetNewGuidId(), DirectProvider.Name, first.StreamId, first.SequenceToken);
        var second = Assert.Single(await DirectProvider.ReadAsync(receiver, 1, s_timeout));
        Assert.Equal(["slow"], DirectProvider.Ids([second]));
        Assert.Equal(2, Assert.Single(await RedisProbe.PendingAsync(_db, prefix, 1)).DeliveryCount);

        // Failing MaxDeliveries times makes it poison: dead-lettered and acknowledged instead of delivered a third time.
        await failures.OnDeliveryFailure(GuidId.GetNewGuidId(), DirectProvider.Name, second.StreamId, second.SequenceToken);
        var dead = await Eventually(async () =>
        {
            Assert.Empty(await receiver.GetQueueMessagesAsync(100, TestContext.Current.CancellationToken));
            return await RedisProbe.DeadLettersAsync(_db, prefix);
        });
        Assert.Contains("after 2 deliveries", (string?)dead[0]["dead-letter:reason"], StringComparison.Ordinal);
        Assert.Empty(await RedisProbe.PendingAsync(_db, prefix, 1));
    }

    [Fact]
    public async Task An_entry_pending_under_the_receivers_own_name_that_it_lost_track_of_is_delivered_again()
    {
        var prefix = RedisFixture.NewPrefix("orphan");
        var options = DirectProvider.Options(redis, prefix);
        options.ClaimIdleTime = TimeSpan.FromMilliseconds(500);
        await using var factory = DirectProvider.Factory(options, "silo-a");
        var receiver = await DirectProvider.ReceiverAsync(factory, DirectProvider.Queue(factory, 0));
        Assert.Empty(await receiver.GetQueueMessagesAsync(100, TestContext.Current.CancellationToken));

        // As if an XREADGROUP of this receiver ran in Redis but its reply was lost.
        await DirectProvider.PublishAsync(await factory.CreateAdapter(TestContext.Current.CancellationToken), "orphan");
        var lost = await _db.StreamReadGroupAsync(RedisProbe.QueueKey(prefix, 0), ProbeStreams.Group, "silo-a/0", ">", 10);
        var sinceLost = Stopwatch.StartNew();
        Assert.Single(lost);

        var again = await DirectProvider.ReadAsync(receiver, 1, s_timeout);
        Assert.Equal(["orphan"], DirectProvider.Ids(again));
        Assert.True(sinceLost.Elapsed >= options.ClaimIdleTime - TimeSpan.FromMilliseconds(100), $"re-read after {sinceLost.Elapsed}");
        await receiver.MessagesDeliveredAsync(DirectProvider.HandedToConsumer(again), TestContext.Current.CancellationToken);
        Assert.Empty(await RedisProbe.PendingAsync(_db, prefix, 1));
    }

    [Fact]
    public async Task An_entry_the_cache_dropped_without_reporting_it_delivered_is_delivered_again()
    {
        var prefix = RedisFixture.NewPrefix("dropped");
        var options = DirectProvider.Options(redis, prefix);
        await using var factory = DirectProvider.Factory(options, "silo-a");
        var receiver = await DirectProvider.ReceiverAsync(factory, DirectProvider.Queue(factory, 0));
        await DirectProvider.PublishAsync(await factory.CreateAdapter(TestContext.Current.CancellationToken), "failed", "delivered");
        var read = await DirectProvider.ReadAsync(receiver, 2, s_timeout);

        // The cache purges oldest first and leaves out entries whose delivery failed.
        await receiver.MessagesDeliveredAsync(DirectProvider.HandedToConsumer([read[1]]), TestContext.Current.CancellationToken);

        var again = await DirectProvider.ReadAsync(receiver, 1, s_timeout);
        Assert.Equal(["failed"], DirectProvider.Ids(again));
        var pending = Assert.Single(await RedisProbe.PendingAsync(_db, prefix, 1));
        Assert.Equal(2, pending.DeliveryCount);
    }

    /// <summary>
    /// The pulling agent's cache reports an entry delivered when it purges it, whether or not any consumer was ever handed
    /// it (a stream whose cursor was never made). Such an entry is read again instead of acknowledged, however often it
    /// happens, and never counts towards the dead-letter limit.
    /// </summary>
    [Fact]
    public async Task An_entry_purged_before_any_consumer_took_it_is_read_again_and_never_acknowledged_or_dead_lettered()
    {
        var prefix = RedisFixture.NewPrefix("untaken");
        var options = DirectProvider.Options(redis, prefix);
        options.MaxDeliveries = 2;
        await using var factory = DirectProvider.Factory(options, "silo-a");
        var receiver = await DirectProvider.ReceiverAsync(factory, DirectProvider.Queue(factory, 0));
        await DirectProvider.PublishAsync(await factory.CreateAdapter(TestContext.Current.CancellationToken), "untaken", "taken");
        var read = await DirectProvider.ReadAsync(receiver, 2, s_timeout);
        Assert.Equal(["untaken", "taken"], DirectProvider.Ids(read));

        // The cache purges both; only the second was handed to a consumer.
        DirectProvider.HandedToConsumer([read[1]]);
        await receiver.MessagesDeliveredAsync(read, TestContext.Current.CancellationToken);
        Assert.Single(await RedisProbe.PendingAsync(_db, prefix, 1));

        // Purged untaken again and again, past MaxDeliveries: read again each time, never dead-lettered.
        for (var round = 0; round < options.MaxDeliveries + 2; round++)
        {
            var again = await DirectProvider.ReadAsync(receiver, 1, s_timeout);
            Assert.Equal(["untaken"], DirectProvider.Ids(again));
            await receiver.MessagesDeliveredAsync(again, TestContext.Current.CancellationToken);
        }

        Assert.Empty(await RedisProbe.DeadLettersAsync(_db, prefix));
        Assert.Single(await RedisProbe.PendingAsync(_db, prefix, 1));

        // Once a consumer is handed it, it is acknowledged.
        var last = await DirectProvider.ReadAsync(receiver, 1, s_timeout);
        await receiver.MessagesDeliveredAsync(DirectProvider.HandedToConsumer(last), TestContext.Current.CancellationToken);
        Assert.Empty(await RedisProbe.PendingAsync(_db, prefix, 1));
    }

    [Fact]
    public async Task Publishing_far_more_than_MaxStreamLength_keeps_the_stream_bounded()
    {
        var prefix = RedisFixture.NewPrefix("trim");
        var options = DirectProvider.Options(redis, prefix);
        options.MaxStreamLength = 1_000;
        await using var factory = DirectProvider.Factory(options, "silo-a");
        var adapter = await factory.CreateAdapter(TestContext.Current.CancellationToken);

        const int published = 20_000;
        for (var chunk = 0; chunk < published; chunk += 1_000)
        {
            await Task.WhenAll(Enumerable.Range(chunk, 1_000).Select(i =>
                adapter.QueueMessageBatchAsync(DirectProvider.Stream, [new ProbeEvent($"t{i}", i, ProbeBehaviour.Normal)], null, null)));
        }

        // "MAXLEN ~" trims whole radix-tree nodes (100 entries by default): at least the cap is kept, little more.
        var length = await _db.StreamLengthAsync(RedisProbe.QueueKey(prefix, 0));
        Assert.InRange(length, options.MaxStreamLength, options.MaxStreamLength + 200);
        var info = await _db.StreamInfoAsync(RedisProbe.QueueKey(prefix, 0));
        Assert.True(info.LastEntry.Id.ToString().Length > 0);
    }

    [Fact]
    public async Task Lag_reports_unread_and_unacknowledged_entries_and_their_age()
    {
        var prefix = RedisFixture.NewPrefix("lag");
        var options = DirectProvider.Options(redis, prefix, queues: 2);
        await using var factory = DirectProvider.Factory(options, "silo-a");
        var adapter = await factory.CreateAdapter(TestContext.Current.CancellationToken);
        var sincePublish = Stopwatch.StartNew();
        for (var i = 0; i < 6; i++)
        {
            await adapter.QueueMessageBatchAsync(Orleans.Runtime.StreamId.Create(ProbeStreams.Namespace, $"lag-{i}"), [new ProbeEvent($"l{i}", 0, ProbeBehaviour.Normal)], null, null);
        }

        // Nobody has read yet: everything is unread.
        var unread = await factory.GetLagAsync(TestContext.Current.CancellationToken);
        Assert.Equal(2, unread.Count);
        Assert.Equal(6, unread.Sum(q => q.Length));
        Assert.Equal(6, unread.Sum(q => q.Unread ?? 0));
        Assert.Equal(0, unread.Sum(q => q.Pending));
        Assert.All(unread.Where(q => q.Length > 0), q => Assert.InRange(q.OldestUnacknowledgedAge!.Value, TimeSpan.Zero, sincePublish.Elapsed + TimeSpan.FromMilliseconds(50)));

        // Read but not acknowledged: pending, still counted in the age.
        var receivers = new List<(Orleans.Streams.IQueueAdapterReceiver Receiver, List<Orleans.Streams.IBatchContainer> Read)>();
        foreach (var queue in factory.GetStreamQueueMapper().GetAllQueues())
        {
            var receiver = await DirectProvider.ReceiverAsync(factory, queue);
            var length = unread.Single(q => q.Queue == queue.GetNumericId()).Length;
            receivers.Add((receiver, await DirectProvider.ReadAsync(receiver, (int)length, s_timeout)));
        }

        var pending = await factory.GetLagAsync(TestContext.Current.CancellationToken);
        Assert.Equal(6, pending.Sum(q => q.Pending));
        Assert.Equal(0, pending.Sum(q => q.Unread ?? -1));
        Assert.All(pending.Where(q => q.Length > 0), q => Assert.NotNull(q.OldestUnacknowledgedAge));

        // Acknowledged: no lag left.
        foreach (var (receiver, read) in receivers)
        {
            await receiver.MessagesDeliveredAsync(DirectProvider.HandedToConsumer(read), TestContext.Current.CancellationToken);
        }

        var caughtUp = await factory.GetLagAsync(TestContext.Current.CancellationToken);
        Assert.All(caughtUp, q => Assert.Equal((0L, 0L, (TimeSpan?)null), (q.Pending, q.Unread ?? -1, q.OldestUnacknowledgedAge)));
    }

    [Fact]
    public async Task Consumers_of_gone_silos_are_removed_once_idle_and_empty_but_not_while_they_hold_entries()
    {
        var prefix = RedisFixture.NewPrefix("consumers");
        var options = DirectProvider.Options(redis, prefix);
        options.ClaimIdleTime = TimeSpan.FromMinutes(5);
        options.RemoveIdleConsumersAfter = TimeSpan.FromMilliseconds(300);
        var key = RedisProbe.QueueKey(prefix, 0);

        // "gone" read and acknowledged everything; "holder" still has an unacknowledged entry.
        await using var gone = DirectProvider.Factory(options, "gone");
        var queue = DirectProvider.Queue(gone, 0);
        var goneReceiver = await DirectProvider.ReceiverAsync(gone, queue);
        await DirectProvider.PublishAsync(await gone.CreateAdapter(TestContext.Current.CancellationToken), "c0");
        await goneReceiver.MessagesDeliveredAsync(DirectProvider.HandedToConsumer(await DirectProvider.ReadAsync(goneReceiver, 1, s_timeout)), TestContext.Current.CancellationToken);
        await goneReceiver.Shutdown(TimeSpan.FromSeconds(5), TestContext.Current.CancellationToken);
        await using var holder = DirectProvider.Factory(options, "holder");
        var holderReceiver = await DirectProvider.ReceiverAsync(holder, queue);
        await DirectProvider.PublishAsync(await holder.CreateAdapter(TestContext.Current.CancellationToken), "c1");
        Assert.Single(await DirectProvider.ReadAsync(holderReceiver, 1, s_timeout));
        await holderReceiver.Shutdown(TimeSpan.FromSeconds(5), TestContext.Current.CancellationToken);

        await using var current = DirectProvider.Factory(options, "current");
        var currentReceiver = await DirectProvider.ReceiverAsync(current, queue);
        var names = await Eventually(async () =>
        {
            await currentReceiver.GetQueueMessagesAsync(100, TestContext.Current.CancellationToken);
            var consumers = (await _db.StreamConsumerInfoAsync(key, ProbeStreams.Group)).Select(c => c.Name).ToArray();
            return consumers.Contains("gone/0") ? [] : consumers;
        });

        // Redis creates a consumer on its first delivery, so "current" (which got nothing) is not listed.
        Assert.Equal(["holder/0"], names);
        Assert.Single(await RedisProbe.PendingAsync(_db, prefix, 1));
    }

    /// <summary>Polls until the probe returns a non-empty array.</summary>
    private static async Task<T[]> Eventually<T>(Func<Task<T[]>> probe) =>
        await SelfDissonance.Testing.Eventually.ReturnsAsync(probe, r => r.Length > 0, s_timeout, "the expected entries");
}
