using System.Collections.Immutable;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Streams;
using Orleans.TestingHost;
using SelfDissonance.Learning;
using SelfDissonance.Runtime;

namespace SelfDissonance.EventHubs.Tests;

/// <summary>One in-process hub per provider the production code registers, as on Azure (a hub each).</summary>
public sealed record Hubs(InProcessHub Queue, InProcessHub Events, InProcessHub Control)
{
    public static Hubs Create(int queuePartitions) =>
        new(new InProcessHub("selfdissonance", queuePartitions), new InProcessHub("selfdissonance-events", 1), new InProcessHub("selfdissonance-control", 1));

    public IEnumerable<(string Provider, InProcessHub Hub)> ByProvider =>
        [(StreamNames.Provider, Queue), (StreamNames.EventsProvider, Events), (StreamNames.ControlProvider, Control)];
}

/// <summary>
/// In-process test clusters whose silos register streams exactly as the Azure profile does
/// (<see cref="EventHubStreams.AddSelfDissonanceEventHubStreams"/>, configured by the keys an operator sets), with each
/// provider's adapter factory swapped for <see cref="InProcessHubAdapterFactory"/> and the checkpoints on Azurite.
/// </summary>
public static class EventHubCluster
{
    public const string CheckpointTable = "EventHubCheckpoints";

    public static async Task<InProcessTestCluster> StartAsync(short silos, string serviceId, Hubs hubs, TableStorage storage, IReadOnlyDictionary<string, string?>? settings = null)
    {
        var configuration = new Dictionary<string, string?>
        {
            // Well-formed, never dialled: the in-process factory makes no Event Hubs connection.
            [$"ConnectionStrings:{EventHubStreamOptions.ConnectionStringName}"] = "Endpoint=sb://in-process.invalid/;SharedAccessKeyName=none;SharedAccessKey=none",
            [$"ConnectionStrings:{EventHubStreams.StorageConnectionStringName}"] = storage.ConnectionString,
            [$"{EventHubStreamOptions.Section}:CheckpointInterval"] = "00:00:00.500",
        };
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
        {
            configuration[key] = value;
        }

        var builder = new InProcessTestClusterBuilder(silos);
        builder.Options.ConfigureFileLogging = false;
        builder.Options.ServiceId = serviceId;
        builder.Options.ClusterId = $"{serviceId}-{Guid.NewGuid():N}"[..40];
        builder.ConfigureSiloHost((_, host) => host.Configuration.AddInMemoryCollection(configuration));
        builder.ConfigureSilo((_, silo) =>
        {
            // The profile supplies the pub-sub store of the two explicit providers; memory is enough here.
            silo.AddMemoryGrainStorage(StorageNames.PubSub);
            silo.AddSelfDissonanceEventHubStreams(silo.Configuration);
            foreach (var (provider, hub) in hubs.ByProvider)
            {
                silo.Services.AddKeyedSingleton<IQueueAdapterFactory>(provider, (sp, _) => InProcessHubAdapterFactory.Create(sp, provider, hub));
            }
        });
        var cluster = builder.Build();
        await cluster.DeployAsync();
        return cluster;
    }

    /// <summary>A learning event with every field set, distinct per (task, n).</summary>
    public static LearningEvent Learning(string task, int n, string? episodeId = null) => new(
        n % 3 == 0 ? LearningEventKind.Feedback : LearningEventKind.Episode,
        episodeId ?? $"{task}-ep-{n:D3}",
        [n, -n / 2f, 0.125f * n, float.Epsilon],
        n % 2 == 0 ? n % 5 : null,
        CriticTopClass: n % 4,
        Dissonance: 0.01 * n,
        ProposerVersion: 1 + (n % 3),
        At: new DateTimeOffset(2026, 12, 1, 12, 0, 0, TimeSpan.Zero).AddMilliseconds(n),
        ProposerTopClass: n % 2,
        ProposerConfidence: 0.5 + (0.001 * n),
        CriticConfidence: 0.25,
        TraceParent: n % 2 == 0 ? $"00-{n:x32}-{n:x16}-01" : null);

    /// <summary>Record equality compares <see cref="ImmutableArray{T}"/> by reference; this compares the features' values.</summary>
    public static bool SameEvent(LearningEvent a, LearningEvent b) =>
        a with { Features = default } == b with { Features = default } && a.Features.SequenceEqual(b.Features);
}
