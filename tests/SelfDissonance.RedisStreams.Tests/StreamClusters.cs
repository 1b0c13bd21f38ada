using Orleans.Configuration;
using Orleans.Streams;
using Orleans.TestingHost;
using SelfDissonance.Streaming.RedisStreams;

namespace SelfDissonance.RedisStreams.Tests;

/// <summary>In-process test clusters whose silos and client use Redis stream providers and nothing else.</summary>
public static class StreamClusters
{
    /// <summary>How long the pulling agent keeps retrying an event a consumer throws on before reporting a failed delivery.</summary>
    public static readonly TimeSpan MaxEventDeliveryTime = TimeSpan.FromSeconds(1);

    /// <summary>
    /// Starts a cluster with one Redis stream provider per entry of <paramref name="providers"/>, implicit subscriptions
    /// only (so no PubSubStore is configured). <paramref name="fastMembership"/> declares a killed silo dead in about a second.
    /// </summary>
    public static async Task<InProcessTestCluster> StartAsync(short silos, IReadOnlyDictionary<string, Action<RedisStreamOptions>> providers, bool fastMembership = false)
    {
        var builder = new InProcessTestClusterBuilder(silos);
        builder.Options.ConfigureFileLogging = false;
        builder.ConfigureSilo((_, silo) =>
        {
            foreach (var (name, configure) in providers)
            {
                silo.AddRedisStreams(name, configure, s =>
                {
                    s.ConfigureStreamPubSub(StreamPubSubType.ImplicitOnly);
                    s.ConfigurePullingAgent(o => o.Configure(a => a.MaxEventDeliveryTime = MaxEventDeliveryTime));
                });
            }

            if (fastMembership)
            {
                silo.Configure<ClusterMembershipOptions>(o =>
                {
                    o.ProbeTimeout = TimeSpan.FromSeconds(1);
                    o.NumMissedProbesLimit = 2;
                    o.TableRefreshTimeout = TimeSpan.FromSeconds(2);
                    o.IAmAliveTablePublishTimeout = TimeSpan.FromSeconds(5);
                });
            }
        });
        builder.ConfigureClient(client =>
        {
            foreach (var (name, configure) in providers)
            {
                client.AddRedisStreams(name, configure, s => s.ConfigureStreamPubSub(StreamPubSubType.ImplicitOnly));
            }
        });
        var cluster = builder.Build();
        await cluster.DeployAsync();
        return cluster;
    }
}
