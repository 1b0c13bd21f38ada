using System.Net;
using Orleans.Configuration;
using SelfDissonance.Runtime;
using StackExchange.Redis;

namespace SelfDissonance.Silo.Hosting;

/// <summary>Membership of the multi-silo profiles: Redis or Azure Table clustering, explicit endpoints, and failure detection tuned for a quick failover.</summary>
public static class ClusterMembership
{
    public static ISiloBuilder UseClusterMembership(this ISiloBuilder silo, SiloHostOptions host, ClusterConnections connections)
    {
        // The Redis clustering README names options that do not exist; ConfigurationOptions is the real one (GOTCHAS 10).
        silo.UseRedisClustering(o => o.ConfigurationOptions = ConfigurationOptions.Parse(connections.Redis));
        return silo.UseMultiSiloEndpoints(host);
    }

    /// <summary>The Azure profile: the membership table in Azure Table storage (Orleans' default table, rows keyed by cluster id).</summary>
    public static ISiloBuilder UseAzureMembership(this ISiloBuilder silo, SiloHostOptions host, AzureConnections connections)
    {
        silo.UseAzureStorageClustering(o => o.TableServiceClient = connections.Tables());
        return silo.UseMultiSiloEndpoints(host);
    }

    private static ISiloBuilder UseMultiSiloEndpoints(this ISiloBuilder silo, SiloHostOptions host)
    {
        silo.Configure<ClusterOptions>(o =>
        {
            o.ClusterId = host.ClusterId;
            o.ServiceId = host.ServiceId;
        });
        // Explicit endpoints rather than UseKubernetesHosting (BRIEF §5): a pod passes its POD_IP as AdvertisedAddress.
        silo.ConfigureEndpoints(IPAddress.Parse(host.AdvertisedAddress), host.SiloPort, host.GatewayPort, host.ListenOnAnyHostAddress);
        if (host.FailureDetection == "Fast")
        {
            // Defaults take about 12 s to declare a killed silo dead; these take about 1 s on loopback (README, cluster profile).
            silo.Configure<ClusterMembershipOptions>(o =>
            {
                o.ProbeTimeout = TimeSpan.FromSeconds(1);
                o.NumMissedProbesLimit = 2;
                o.TableRefreshTimeout = TimeSpan.FromSeconds(2);
                o.IAmAliveTablePublishTimeout = TimeSpan.FromSeconds(5);
            });
        }

        return silo;
    }
}
