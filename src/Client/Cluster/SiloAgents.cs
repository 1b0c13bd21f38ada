using SelfDissonance.Runtime;

namespace SelfDissonance.Client.Cluster;

/// <summary>The agent grain of every active silo, for calls that must reach each silo (counter flushes, cache refreshes).</summary>
internal static class SiloAgents
{
    public static async Task ForEachAsync(IGrainFactory grains, Func<ISiloAgentGrain, Task> call)
    {
        var hosts = await grains.GetGrain<IManagementGrain>(0).GetHosts(onlyActive: true);
        await Task.WhenAll(hosts.Keys.Select(silo => call(grains.GetGrain<ISiloAgentGrain>(silo.ToParsableString()))));
    }
}
