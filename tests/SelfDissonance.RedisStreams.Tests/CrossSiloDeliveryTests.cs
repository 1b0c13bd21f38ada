using Microsoft.Extensions.DependencyInjection;
using Orleans.Providers;
using Orleans.Providers.Streams.Common;
using Orleans.Streams;
using Orleans.TestingHost;
using SelfDissonance.Streaming.RedisStreams;
using SelfDissonance.Testing;
using StackExchange.Redis;

namespace SelfDissonance.RedisStreams.Tests;

/// <summary>
/// A pulling agent delivering to a consumer activated on another silo: the batch container is serialized for that grain
/// call and must still carry its sequence token there (it once did not, and every such event was dead-lettered).
/// </summary>
public sealed class CrossSiloDeliveryTests(RedisFixture redis)
{
    private const string Provider = "cross";
    private const int Count = 50;
    private static readonly TimeSpan s_timeout = TimeSpan.FromSeconds(10);
    private readonly IDatabase _db = redis.Db;

    [Fact]
    public async Task A_consumer_on_the_silo_that_does_not_own_the_queue_gets_every_event_once_and_in_order()
    {
        var prefix = RedisFixture.NewPrefix("cross");
        await using var cluster = await StreamClusters.StartAsync(2, new Dictionary<string, Action<RedisStreamOptions>>
        {
            [Provider] = o =>
            {
                o.ConnectionString = redis.ConnectionString;
                o.KeyPrefix = prefix;
                o.ConsumerGroup = ProbeStreams.Group;
                // One queue: one silo's agent reads every stream, so of two consumers pinned one per silo, one is remote.
                o.QueueCount = 1;
                // A failed delivery is handed back, read again and eventually dead-lettered within seconds rather than
                // minutes. (With the token lost in transit, each remote event failed after MaxEventDeliveryTime, one at a
                // time, and held back the acknowledgement of everything behind it.)
                o.ClaimIdleTime = TimeSpan.FromMilliseconds(500);
                o.PendingCheckInterval = TimeSpan.FromMilliseconds(200);
                o.MaxDeliveries = 2;
            },
        });
        var silos = cluster.Silos.Select(s => s.SiloAddress.ToString()).ToArray();

        // Wait until the queue has settled on one silo, so no handover re-delivers events while the test runs.
        var agents = await Eventually.ReturnsAsync(() => RunningAgentsAsync(cluster), a => a.Sum() == 1, s_timeout, "one silo running the queue's agent");
        var owner = silos[Array.IndexOf(agents, 1)];

        // PreferLocalPlacement: a consumer first called through a silo's grain factory is activated on that silo, and the
        // agent's deliveries later find it there. One consumer per silo, so one of them is not on the queue's silo.
        var run = Guid.NewGuid().ToString("N");
        var keys = silos.Select((_, i) => $"cross-{run}-on-{i}").ToArray();
        var management = cluster.Client.GetGrain<IManagementGrain>(0);
        for (var i = 0; i < keys.Length; i++)
        {
            var consumer = cluster.Silos[i].ServiceProvider.GetRequiredService<IGrainFactory>().GetGrain<IProbeConsumerGrain>(keys[i]);
            await consumer.PingAsync();
            Assert.Equal(cluster.Silos[i].SiloAddress, await management.GetActivationAddress(consumer, TestContext.Current.CancellationToken));
        }

        var streams = keys.Select(k => ProbeStreams.Get(cluster.Client, Provider, k)).ToArray();
        for (var n = 0; n < Count; n++)
        {
            foreach (var (stream, key) in streams.Zip(keys))
            {
                await stream.OnNextAsync(new ProbeEvent($"{key}-{n}", n, ProbeBehaviour.Normal));
            }
        }

        // Done when everything is processed, or as soon as anything is dead-lettered (where broken remote deliveries end).
        var ids = keys.SelectMany(k => Enumerable.Range(0, Count).Select(n => $"{k}-{n}")).ToArray();
        await Eventually.ReturnsAsync(
            async () => new
            {
                Processed = keys.Select(k => ProbeLedger.Order(k).Count).ToArray(),
                DeadLetters = (await RedisProbe.DeadLettersAsync(_db, prefix)).Length,
            },
            p => p.Processed.Sum() == ids.Length || p.DeadLetters > 0,
            s_timeout,
            $"{ids.Length} events processed ({Count} per consumer: on {string.Join(", ", silos)}; queue on {owner})");
        Assert.Empty((await RedisProbe.DeadLettersAsync(_db, prefix)).Select(e => $"{e[(RedisValue)"dead-letter:reason"]}"));

        for (var i = 0; i < keys.Length; i++)
        {
            Assert.Equal(Enumerable.Range(0, Count), ProbeLedger.Order(keys[i]));
            // Once each, on the consumer's pinned silo, by the agent of the silo that owns the queue.
            Assert.All(Enumerable.Range(0, Count), n => Assert.Equal([silos[i]], ProbeLedger.Deliveries($"{keys[i]}-{n}")));
            Assert.All(Enumerable.Range(0, Count), n => Assert.Equal([owner], ProbeLedger.DeliveredBy($"{keys[i]}-{n}")));
        }

        // The cross-silo case really happened: events delivered by an agent on one silo to a consumer on the other.
        var remote = ids.Where(id => ProbeLedger.DeliveredBy(id).Single() != ProbeLedger.Deliveries(id).Single()).ToArray();
        Assert.Equal(Count, remote.Length);
        TestContext.Current.TestOutputHelper?.WriteLine($"queue owned by {owner}; {remote.Length} of {ids.Length} events delivered to a consumer on the other silo");

        Assert.Equal(agents, await RunningAgentsAsync(cluster));
        await Eventually.ReturnsAsync(async () => (await RedisProbe.PendingAsync(_db, prefix, 1)).Length, p => p == 0, s_timeout, "every entry acknowledged");
    }

    /// <summary>How many queues each silo's pulling-agent manager runs an agent for.</summary>
    private static async Task<int[]> RunningAgentsAsync(InProcessTestCluster cluster)
    {
        var counts = new int[cluster.Silos.Count];
        for (var i = 0; i < counts.Length; i++)
        {
            var provider = (IControllable)cluster.Silos[i].ServiceProvider.GetRequiredKeyedService<IStreamProvider>(Provider);
            counts[i] = (int)(await provider.ExecuteCommand((int)PersistentStreamProviderCommand.GetNumberRunningAgents, null!))!;
        }

        return counts;
    }
}
