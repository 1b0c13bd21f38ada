using SelfDissonance.Streaming.RedisStreams;
using SelfDissonance.Testing;

namespace SelfDissonance.RedisStreams.Tests;

/// <summary>A silo dies with entries read but not processed; the survivor claims and delivers them.</summary>
public sealed class SiloDeathTests(RedisFixture redis)
{
    private const string Provider = "failover";
    // More queues than production's 8, so each silo surely owns some of the ring and some events stall on the doomed one.
    private const int Queues = 16;

    [Fact]
    public async Task Entries_held_by_a_killed_silo_are_delivered_on_the_surviving_silo()
    {
        var prefix = RedisFixture.NewPrefix("failover");
        await using var cluster = await StreamClusters.StartAsync(2, new Dictionary<string, Action<RedisStreamOptions>>
        {
            [Provider] = o =>
            {
                o.ConnectionString = redis.ConnectionString;
                o.KeyPrefix = prefix;
                o.ConsumerGroup = ProbeStreams.Group;
                o.QueueCount = Queues;
                o.ClaimIdleTime = TimeSpan.FromSeconds(1);
                o.PendingCheckInterval = TimeSpan.FromMilliseconds(250);
            },
        }, fastMembership: true);
        var survivor = cluster.Silos[0].SiloAddress.ToString();
        var doomed = cluster.Silos[1];
        ProbeLedger.BlockedSilo = doomed.SiloAddress.ToString();
        var ids = Enumerable.Range(0, 40).Select(i => $"{prefix}-{i}").ToArray();
        try
        {
            // One event per stream, spread over all queues: those whose queue silo B owns stall there, inside OnNextAsync.
            foreach (var id in ids)
            {
                await ProbeStreams.Get(cluster.Client, Provider, id).OnNextAsync(new ProbeEvent(id, 0, ProbeBehaviour.StallOnBlockedSilo));
            }

            await Eventually.ReturnsAsync(() => Task.FromResult(ids.Count(id => ProbeLedger.Deliveries(id).Count > 0)), n => n == ids.Length, TimeSpan.FromSeconds(20), "every event delivered once");
            var stalled = ids.Where(id => !ProbeLedger.IsProcessed(id)).ToArray();
            Assert.NotEmpty(stalled);
            Assert.All(stalled, id => Assert.Equal([doomed.SiloAddress.ToString()], ProbeLedger.Deliveries(id)));
            // What A processed is acknowledged at its agent's next purge; what B holds stays pending.
            await Eventually.ReturnsAsync(async () => (await RedisProbe.PendingAsync(redis.Db, prefix, Queues)).Length, n => n == stalled.Length, TimeSpan.FromSeconds(10), "only the stalled entries pending");

            var sinceKill = System.Diagnostics.Stopwatch.StartNew();
            await cluster.KillSiloAsync(doomed, TestContext.Current.CancellationToken);

            // Membership declares B dead, its queues move to A, A claims B's idle entries and delivers them.
            await Eventually.ReturnsAsync(() => Task.FromResult(ids.Count(ProbeLedger.IsProcessed)), n => n == ids.Length, TimeSpan.FromSeconds(25), "every event processed");
            TestContext.Current.TestOutputHelper?.WriteLine($"{stalled.Length} of {ids.Length} events stalled on the killed silo; all processed {sinceKill.Elapsed.TotalSeconds:0.0} s after the kill");
            Assert.All(stalled, id => Assert.Contains(survivor, ProbeLedger.Deliveries(id)));
            // At least once on the wire, exactly once in effect: the idempotent consumer processed each id one time.
            Assert.All(ids, id => Assert.Single(ProbeLedger.Order(id)));
            await Eventually.ReturnsAsync(async () => (await RedisProbe.PendingAsync(redis.Db, prefix, Queues)).Length, n => n == 0, TimeSpan.FromSeconds(10), "every entry acknowledged");
        }
        finally
        {
            ProbeLedger.BlockedSilo = null;
            // B's stalled calls never complete their work: the silo is dead.
            foreach (var id in ids)
            {
                ProbeLedger.Open(id, process: false);
            }
        }
    }
}
