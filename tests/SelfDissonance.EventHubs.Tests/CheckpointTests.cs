using System.Globalization;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Serialization;
using Orleans.Streaming.EventHubs;
using SelfDissonance.Learning;
using SelfDissonance.Runtime;
using SelfDissonance.Testing;

namespace SelfDissonance.EventHubs.Tests;

/// <summary>
/// Orleans' Azure Table checkpointer (on Azurite) under the real adapter: what it writes, when, and where a new
/// cluster's receivers resume. Each cluster here is one silo, so one pulling agent reads every partition.
/// </summary>
public sealed class CheckpointTests(TableStorage storage)
{
    private const int Partitions = 4;

    [Fact]
    public async Task Checkpoints_follow_delivery_and_a_restarted_cluster_resumes_from_them_without_skipping()
    {
        DeliveryLedger.Reset();
        var hubs = Hubs.Create(Partitions);
        var serviceId = $"eh-restart-{Guid.NewGuid():N}"[..24];
        var tasks = Enumerable.Range(0, 8).Select(i => $"task-{i:D2}").ToList();

        // Written while no silo runs (another gateway's sends, before the first deployment): no checkpoint exists, and
        // the queue provider must read these from the partitions' start, not from "now".
        WriteDirectly(hubs.Queue, tasks.Select(t => EventHubCluster.Learning(t, 0)));

        await using (var first = await EventHubCluster.StartAsync(1, serviceId, hubs, storage))
        {
            await Eventually.TrueAsync(() => DeliveryLedger.Deliveries.Count >= tasks.Count, TimeSpan.FromSeconds(60), "the events written before the first start");

            // One delivery held: while it is, no checkpoint may cover it (Orleans checkpoints the delivered position).
            var held = EventHubCluster.Learning("task-03", 2);
            DeliveryLedger.Close(held.EpisodeId);
            await Task.WhenAll(tasks.Select(t => first.Client.GetGrain<IProbePublisherGrain>(t)
                .PublishLearningAsync(t, [.. Enumerable.Range(1, 4).Select(n => EventHubCluster.Learning(t, n))])));
            await Eventually.TrueAsync(() => DeliveryLedger.Deliveries.Count >= tasks.Count * 4, TimeSpan.FromSeconds(60), "every delivery but the held one and those after it on its stream");
            await Task.Delay(TimeSpan.FromSeconds(2), TestContext.Current.CancellationToken); // four checkpoint intervals
            var heldOffset = OffsetOf(hubs.Queue, "task-03", 2);
            var heldPartition = hubs.Queue.PartitionFor("task-03");
            var whileHeld = await storage.CheckpointsAsync(EventHubCluster.CheckpointTable, StreamNames.Provider, serviceId);
            Assert.True(!whileHeld.TryGetValue(heldPartition, out var c) || c < heldOffset, $"checkpoint {c} covers the held event at {heldOffset}");
            AssertDeliveredUpTo(hubs.Queue, whileHeld);

            DeliveryLedger.Open(held.EpisodeId);
            await Eventually.TrueAsync(() => DeliveryLedger.Deliveries.Count >= tasks.Count * 5, TimeSpan.FromSeconds(60), "every delivery");
            await first.StopAllSilosAsync(TestContext.Current.CancellationToken);
        }

        // A graceful stop writes each partition's delivery progress: the earliest last-delivered event over its streams.
        var firstDeliveries = DeliveryLedger.Deliveries;
        var checkpoints = await storage.CheckpointsAsync(EventHubCluster.CheckpointTable, StreamNames.Provider, serviceId);
        var used = hubs.Queue.AllEvents().Select(e => e.Partition).Distinct().ToList();
        Assert.Equal(used.Order(), checkpoints.Keys.Order());
        foreach (var p in used)
        {
            var lastPerStream = hubs.Queue.Events(p).GroupBy(e => e.PartitionKey).Select(g => long.Parse(g.Last().OffsetString, CultureInfo.InvariantCulture));
            Assert.Equal(lastPerStream.Min(), checkpoints[p]);
        }

        AssertDeliveredUpTo(hubs.Queue, checkpoints);

        // More sends while the cluster is down, then a new cluster on the same service id.
        WriteDirectly(hubs.Queue, tasks.Select(t => EventHubCluster.Learning(t, 5)));
        DeliveryLedger.Generation = 1;
        await using var second = await EventHubCluster.StartAsync(1, serviceId, hubs, storage);
        var expected = hubs.Queue.AllEvents()
            .Where(e => long.Parse(e.Event.OffsetString, CultureInfo.InvariantCulture) >= checkpoints[e.Partition])
            .Select(e => (e.Event.PartitionKey, long.Parse(e.Event.OffsetString, CultureInfo.InvariantCulture)))
            .ToHashSet();
        await Eventually.TrueAsync(() => DeliveryLedger.Deliveries.Count(d => d.Generation == 1) >= expected.Count, TimeSpan.FromSeconds(60), $"{expected.Count} deliveries after the restart");
        await Task.Delay(TimeSpan.FromSeconds(1), TestContext.Current.CancellationToken);
        var again = DeliveryLedger.Deliveries.Where(d => d.Generation == 1).ToList();

        // Each receiver resumed at its partition's checkpoint...
        Assert.All(used, p => Assert.Equal(checkpoints[p].ToString(CultureInfo.InvariantCulture), hubs.Queue.ReceiverStarts(p).Last()));
        // ...and the restarted cluster delivered exactly the events at or after the checkpoints: nothing before them
        // again (the event at a checkpoint itself is read again: the receiver's position is inclusive), nothing skipped.
        Assert.Equal(expected.Order(), again.Select(d => (d.Stream, d.Offset)).Order());
        var everything = hubs.Queue.AllEvents().Select(e => (e.Event.PartitionKey, long.Parse(e.Event.OffsetString, CultureInfo.InvariantCulture))).ToHashSet();
        Assert.Equal(everything.Order(), firstDeliveries.Concat(again).Select(d => (d.Stream, d.Offset)).Distinct().Order());
        Assert.Equal(tasks.Count * 6, everything.Count);
    }

    /// <summary>Every event on a partition at or before its checkpoint has completed delivery.</summary>
    private static void AssertDeliveredUpTo(InProcessHub hub, IReadOnlyDictionary<string, long> checkpoints)
    {
        var delivered = DeliveryLedger.Deliveries.Select(d => (d.Stream, d.Offset)).ToHashSet();
        foreach (var (partition, checkpoint) in checkpoints)
        {
            foreach (var e in hub.Events(partition).Where(e => long.Parse(e.OffsetString, CultureInfo.InvariantCulture) <= checkpoint))
            {
                Assert.Contains((e.PartitionKey, long.Parse(e.OffsetString, CultureInfo.InvariantCulture)), delivered);
            }
        }
    }

    private static long OffsetOf(InProcessHub hub, string stream, int nth) =>
        long.Parse(hub.Events(hub.PartitionFor(stream)).Where(e => e.PartitionKey == stream).ElementAt(nth).OffsetString, CultureInfo.InvariantCulture);

    /// <summary>Sends as a producer elsewhere would: the package's own EventData encoding, partition key = stream key.</summary>
    private static void WriteDirectly(InProcessHub hub, IEnumerable<LearningEvent> events)
    {
        using var services = new ServiceCollection().AddSerializer().BuildServiceProvider();
        var adapter = new EventHubDataAdapter(services.GetRequiredService<Serializer>());
        foreach (var e in events)
        {
            var stream = StreamId.Create(ProbeStreams.Learning, e.EpisodeId[..7]);
            hub.Send(adapter.ToQueueMessage(stream, [e], null, null), adapter.GetPartitionKey(stream));
        }
    }
}
