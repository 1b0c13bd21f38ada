using System.Globalization;
using Orleans.Streaming.EventHubs;
using SelfDissonance.Episodes;
using SelfDissonance.Learning;
using SelfDissonance.Testing;

namespace SelfDissonance.EventHubs.Tests;

/// <summary>
/// The product's events through the real Orleans Event Hubs adapter on a two-silo cluster: serialized into EventData,
/// placed on a partition by their stream, read back by the partition receivers into the cache, and delivered as
/// EventHubBatchContainers to implicit subscribers.
/// </summary>
public sealed class DeliveryTests(TableStorage storage)
{
    private const int Partitions = 4;

    [Fact]
    public async Task Learning_events_and_episode_requests_reach_their_implicit_subscribers_in_order_one_partition_per_stream()
    {
        DeliveryLedger.Reset();
        var hubs = Hubs.Create(Partitions);
        var serviceId = $"eh-delivery-{Guid.NewGuid():N}"[..24];
        await using var cluster = await EventHubCluster.StartAsync(2, serviceId, hubs, storage);

        var tasks = Enumerable.Range(0, 12).Select(i => $"task-{i:D2}").ToList();
        var published = tasks.ToDictionary(t => t, t => Enumerable.Range(0, 5).Select(n => EventHubCluster.Learning(t, n)).ToArray());
        await Task.WhenAll(tasks.Select(t => cluster.Client.GetGrain<IProbePublisherGrain>(t).PublishLearningAsync(t, published[t])));
        var requests = Enumerable.Range(0, 6).Select(i => new EpisodeRequest("task-00", $"queued-{i}", [i, 2f * i], i % 2 == 0 ? "a" : null, EpisodeSource.Queue, DateTimeOffset.UnixEpoch.AddDays(i))).ToList();
        foreach (var r in requests)
        {
            await cluster.Client.GetGrain<IProbePublisherGrain>("queue").PublishEpisodeAsync(r);
        }

        var expected = (tasks.Count * 5) + requests.Count;
        await Eventually.TrueAsync(() => DeliveryLedger.Deliveries.Count >= expected, TimeSpan.FromSeconds(60), $"{expected} deliveries");
        // Anything delivered twice would show up within the pulling agents' next few reads.
        await Task.Delay(TimeSpan.FromSeconds(1), TestContext.Current.CancellationToken);
        var deliveries = DeliveryLedger.Deliveries;
        // Exactly once, although partitions moved to the second silo as it joined (a receiver each, new ones at the start).
        Assert.Equal(expected, deliveries.Count);

        // Serialization: every field of every event came back, each once, in publish order per stream.
        foreach (var t in tasks)
        {
            var got = deliveries.Where(d => d.Stream == t).Select(d => (LearningEvent)d.Event).ToList();
            Assert.Equal(published[t].Length, got.Count);
            Assert.All(published[t].Zip(got), p => Assert.True(EventHubCluster.SameEvent(p.First, p.Second), $"{p.First} != {p.Second}"));
        }

        foreach (var r in requests)
        {
            var got = (EpisodeRequest)Assert.Single(deliveries, d => d.Stream == r.EpisodeId).Event;
            Assert.Equal(r with { Features = default }, got with { Features = default });
            Assert.Equal(r.Features.ToArray(), got.Features.ToArray());
        }

        // What went over the wire: one EventData per OnNextAsync, partition key = stream key, the namespace as a property.
        var all = hubs.Queue.AllEvents();
        Assert.Equal(expected, all.Count);
        Assert.All(all, e => Assert.Contains(e.Event.GetStreamNamespaceProperty(), new[] { ProbeStreams.Learning, ProbeStreams.Episodes }));

        // Partition mapping: a stream's events share one partition (the key's), so their order holds; streams spread out.
        var partitionOf = all.GroupBy(e => e.Event.PartitionKey).ToDictionary(g => g.Key, g => Assert.Single(g.Select(e => e.Partition).Distinct()));
        Assert.All(partitionOf, p => Assert.Equal(hubs.Queue.PartitionFor(p.Key), p.Value));
        Assert.True(partitionOf.Values.Distinct().Count() > 1, "every stream landed on one partition");

        // The delivered token is the event's Event Hubs position: its offset and sequence number on that partition.
        foreach (var stream in partitionOf.Keys)
        {
            var onHub = all.Where(e => e.Event.PartitionKey == stream).Select(e => (long.Parse(e.Event.OffsetString, CultureInfo.InvariantCulture), e.Event.SequenceNumber)).ToList();
            var delivered = deliveries.Where(d => d.Stream == stream).Select(d => (d.Offset, d.SequenceNumber)).ToList();
            Assert.Equal(onHub, delivered);
        }
    }
}
