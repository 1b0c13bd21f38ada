using Orleans.TestingHost;
using SelfDissonance.Streaming.RedisStreams;

namespace SelfDissonance.RedisStreams.Tests;

/// <summary>One silo with three Redis stream providers, each on its own keys and tuned for the tests that use it.</summary>
public sealed class SingleSiloCluster(RedisFixture redis) : IAsyncLifetime
{
    public const string Ordered = "ordered";
    public const string Acks = "acks";
    public const string Poison = "poison";
    public const int OrderedQueues = 4;
    public const int AckQueues = 2;
    public static readonly TimeSpan AckClaimIdleTime = TimeSpan.FromSeconds(1);
    public const int PoisonMaxDeliveries = 2;

    private readonly string _run = RedisFixture.NewPrefix("single");

    public InProcessTestCluster Cluster { get; private set; } = null!;

    public IClusterClient Client => Cluster.Client;

    public string Prefix(string provider) => $"{_run}:{provider}";

    public async ValueTask InitializeAsync()
    {
        Cluster = await StreamClusters.StartAsync(1, new Dictionary<string, Action<RedisStreamOptions>>
        {
            [Ordered] = o => Common(o, Ordered, OrderedQueues),
            [Acks] = o =>
            {
                Common(o, Acks, AckQueues);
                o.ClaimIdleTime = AckClaimIdleTime;
                o.PendingCheckInterval = TimeSpan.FromMilliseconds(200);
            },
            [Poison] = o =>
            {
                // One queue: the poison entries and the later messages share it.
                Common(o, Poison, 1);
                o.ClaimIdleTime = TimeSpan.FromMilliseconds(500);
                o.PendingCheckInterval = TimeSpan.FromMilliseconds(200);
                o.MaxDeliveries = PoisonMaxDeliveries;
            },
        });
    }

    public async ValueTask DisposeAsync()
    {
        if (Cluster is not null)
        {
            await Cluster.DisposeAsync();
        }
    }

    private void Common(RedisStreamOptions o, string provider, int queues)
    {
        o.ConnectionString = redis.ConnectionString;
        o.KeyPrefix = Prefix(provider);
        o.ConsumerGroup = ProbeStreams.Group;
        o.QueueCount = queues;
    }
}
