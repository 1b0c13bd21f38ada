using System.Collections.Immutable;
using Microsoft.Extensions.Configuration;
using Orleans.TestingHost;
using SelfDissonance.Models;
using SelfDissonance.Policy;
using SelfDissonance.Runtime;
using SelfDissonance.Tasks;
using Xunit;

namespace SelfDissonance.Testing;

/// <summary>
/// A real two-silo Orleans cluster in this process running everything <c>AddSelfDissonance</c>
/// registers: memory grain state, memory streams, model artifacts in a temporary folder. Shared by a whole test assembly.
/// </summary>
public sealed class ClusterFixture : IAsyncLifetime
{
    private readonly TempDirectory _data = new("sd-cluster");

    public InProcessTestCluster Cluster { get; private set; } = null!;

    public IClusterClient Client => Cluster.Client;

    public string ArtifactDirectory => Path.Combine(_data.Path, "artifacts");

    /// <summary>Settings every silo starts with; learning runs on a short timer so tests do not wait.</summary>
    public static Dictionary<string, string?> Settings(string dataDirectory) => new()
    {
        ["SelfDissonance:StateStore"] = "Memory",
        ["SelfDissonance:DataDirectory"] = dataDirectory,
        // Cycles run on minBatch or on demand here; the timer trigger is tested on a gateway host with a short interval.
        ["SelfDissonance:Learning:CycleInterval"] = "00:10:00",
        // Test silos start often and side by side: the warm-up's seconds of CPU would only slow them (LearningWarmUpTests).
        ["SelfDissonance:Learning:WarmUp"] = "false",
        // Tests here stream flipped labels and count versions: a drift alarm's own cycle would add one (DriftTests and
        // the learning benchmark's moons-drift cover drift).
        ["SelfDissonance:Learning:DriftThreshold"] = "0",
        ["SelfDissonance:Runtime:CounterFlushInterval"] = "00:00:00.200",
        // Long on purpose: tests that see a change on every silo within a second prove the control stream did it.
        ["SelfDissonance:Runtime:CacheRefreshInterval"] = "00:05:00",
    };

    public async ValueTask InitializeAsync()
    {
        var builder = new InProcessTestClusterBuilder(2);
        builder.ConfigureSiloHost((_, host) => host.Configuration.AddInMemoryCollection(Settings(_data.Path)));
        builder.ConfigureSilo((_, silo) => silo.AddSelfDissonance());
        // A learning cycle over a few thousand rows on a busy 2-core machine can outlast Orleans' default 30 s.
        builder.ConfigureClient(client => client.Configure<Orleans.Configuration.ClientMessagingOptions>(o => o.ResponseTimeout = TimeSpan.FromMinutes(5)));
        Cluster = builder.Build();
        await Cluster.DeployAsync();
    }

    public async ValueTask DisposeAsync()
    {
        if (Cluster is not null)
        {
            await Cluster.DisposeAsync();
        }

        _data.Dispose();
    }

    /// <summary>Creates a two-moons task and bootstraps it with the given rows.</summary>
    public async Task<BootstrapResult> CreateTwoMoonsTaskAsync(string id, IReadOnlyList<LabeledExample> training, IReadOnlyList<LabeledExample> golden, PolicyPatch? policy = null)
    {
        var task = Client.GetGrain<ITaskGrain>(id);
        await task.CreateAsync(TwoMoons.Task(id), policy);
        return await task.BootstrapAsync(new BootstrapCommand([.. training], [.. golden], "test"));
    }

    public IModelRegistryGrain Registry(string task, ModelRole role) => Client.GetGrain<IModelRegistryGrain>(ModelRoles.RegistryKey(task, role));

    /// <summary>What each silo of the cluster serves for a task right now.</summary>
    public async Task<ImmutableArray<SiloServingView>> ServingOnEverySiloAsync(string task)
    {
        var views = await Task.WhenAll(Cluster.Silos.Select(s => Client.GetGrain<ISiloAgentGrain>(SiloAgentGrain.KeyFor(s.SiloAddress)).GetServingAsync(task)));
        return [.. views];
    }
}
