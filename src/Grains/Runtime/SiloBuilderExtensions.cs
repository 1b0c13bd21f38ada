using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.Runtime.Hosting;
using Orleans.Storage;
using SelfDissonance.Learning.Journal;
using SelfDissonance.Models;
using SelfDissonance.Storage;

namespace SelfDissonance.Runtime;

public static class SiloBuilderExtensions
{
    /// <summary>
    /// Everything a SelfDissonance silo runs: grains' services, silo-local caches, storage, streams and the per-silo
    /// agent. Used by the silo host and by test clusters alike, so tests run what production runs.
    /// </summary>
    public static ISiloBuilder AddSelfDissonance(this ISiloBuilder silo)
    {
        var services = silo.Services;
        var configuration = silo.Configuration;
        services.AddOptions<SelfDissonanceOptions>().BindConfiguration(SelfDissonanceOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<LearningOptions>().BindConfiguration(LearningOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<RuntimeOptions>().BindConfiguration(RuntimeOptions.Section).ValidateDataAnnotations().ValidateOnStart();

        services.AddSingleton(TimeProvider.System);
        var runtime = configuration.GetSection(RuntimeOptions.Section).Get<RuntimeOptions>() ?? new RuntimeOptions();
        if (runtime.FinishReminderPeriod < TimeSpan.FromMinutes(1))
        {
            services.Configure<ReminderOptions>(o => o.MinimumReminderPeriod = runtime.FinishReminderPeriod);
        }

        services.AddSingleton<ModelLoader>();
        services.AddSingleton<TaskRuntimeCache>();
        services.AddSingleton<SiloCounters>();
        services.AddSingleton<SiloEventBuffer>();
        services.AddSingleton<Episodes.EpisodePipeline>();

        var options = configuration.GetSection(SelfDissonanceOptions.Section).Get<SelfDissonanceOptions>() ?? new SelfDissonanceOptions();
        var cluster = Profiles.IsCluster(options.Profile);
        services.AddOptions<ArtifactSigningOptions>().BindConfiguration(ArtifactSigningOptions.Section)
            .Validate(o => !cluster || !string.IsNullOrWhiteSpace(o.SigningKey), $"SelfDissonance:Profile=Cluster needs {ArtifactSigningOptions.Section}:SigningKey (the same on every silo).")
            .ValidateOnStart();

        // Resolved when the store is first built (at silo start): a cluster silo without the shared key does not start.
        services.AddSingleton(sp => new ArtifactSigner(ArtifactSigningKeys.Resolve(
            sp.GetRequiredService<IOptions<ArtifactSigningOptions>>().Value,
            sp.GetRequiredService<IOptions<SelfDissonanceOptions>>().Value.DataDirectory,
            cluster)));
        if (cluster)
        {
            silo.AddClusterProfileServices(ClusterConnections.From(configuration));
        }
        else
        {
            AddEmbeddedServices(silo, options);
        }

        // Grain calls carry the caller's trace context, so one trace follows an episode from the gateway through the grains.
        silo.AddActivityPropagation();
        silo.AddStartupTask(StartSiloAgentAsync);
        return silo;
    }

    private static void AddEmbeddedServices(ISiloBuilder silo, SelfDissonanceOptions options)
    {
        var services = silo.Services;
        services.AddSingleton<IArtifactStore>(sp =>
        {
            var o = sp.GetRequiredService<IOptions<SelfDissonanceOptions>>().Value;
            var folder = new LocalFolderArtifactStore(o.ArtifactDirectory ?? Path.Combine(o.DataDirectory, "artifacts"), sp.GetRequiredService<ILogger<LocalFolderArtifactStore>>());
            return new SignedArtifactStore(folder, sp.GetRequiredService<ArtifactSigner>(), sp.GetRequiredService<ILogger<SignedArtifactStore>>());
        });

        if (options.StateStore == "Memory")
        {
            silo.AddMemoryGrainStorage(StorageNames.Control);
            silo.AddMemoryGrainStorage(StorageNames.Episodes);
            services.AddSingleton<ILearnerJournalStore, MemoryLearnerJournalStore>();
        }
        else
        {
            AddFileStorage(services, StorageNames.Control, options);
            AddFileStorage(services, StorageNames.Episodes, options);
            services.AddSingleton<ILearnerJournalStore>(sp => new FileLearnerJournalStore(
                Path.Combine(options.DataDirectory, "journal"),
                options.FlushStateToDisk,
                sp.GetRequiredService<Orleans.Serialization.Serializer>(),
                sp.GetRequiredService<ILogger<FileLearnerJournal>>()));
        }

        // One silo: reminders only need to outlive an activation, not the process (a restart re-runs pending work on activation).
        silo.UseInMemoryReminderService();
        silo.AddMemoryGrainStorage(StorageNames.PubSub);
        silo.AddMemoryStreams(StreamNames.Provider, streams =>
        {
            streams.ConfigurePartitioning(8);
            // Implicit subscriptions only: no pub-sub state per queued episode's stream.
            streams.ConfigureStreamPubSub(Orleans.Streams.StreamPubSubType.ImplicitOnly);
            // Queue-path streams are one per episode id; forget idle ones quickly so they do not pile up in memory.
            streams.ConfigurePullingAgent(o => o.Configure(a => a.StreamInactivityPeriod = TimeSpan.FromMinutes(2)));
            LimitCache(streams);
        });
        silo.AddMemoryStreams(StreamNames.ControlProvider, streams =>
        {
            streams.ConfigurePartitioning(1);
            LimitCache(streams);
        });
        silo.AddMemoryStreams(StreamNames.EventsProvider, streams =>
        {
            streams.ConfigurePartitioning(1);
            LimitCache(streams);
        });
    }

    /// <summary>
    /// Memory streams keep every message in their cache until it is both 5 minutes in the cache and 30 minutes older
    /// than the newest (Orleans' defaults): under a steady few thousand episodes a second that is millions of learning
    /// events held after delivery, and the working set grows for half an hour. A consumer more than a minute behind is
    /// far outside anything measured (the learner ingests each event in microseconds and pauses seconds for a cycle).
    /// </summary>
    private static void LimitCache(ISiloMemoryStreamConfigurator streams) =>
        streams.ConfigureCacheEviction(o => o.Configure(e =>
        {
            e.DataMinTimeInCache = TimeSpan.FromSeconds(30);
            e.DataMaxAgeInCache = TimeSpan.FromMinutes(1);
        }));

    private static void AddFileStorage(IServiceCollection services, string name, SelfDissonanceOptions options) =>
        services.AddGrainStorage(name, (sp, n) => new FileGrainStorage(
            n,
            Path.Combine(options.DataDirectory, "state"),
            options.FlushStateToDisk,
            new OrleansGrainStorageSerializer(sp.GetRequiredService<Orleans.Serialization.Serializer>()),
            sp.GetRequiredService<ILogger<FileGrainStorage>>()));

    private static async Task StartSiloAgentAsync(IServiceProvider services, CancellationToken cancellationToken)
    {
        var silo = services.GetRequiredService<ILocalSiloDetails>();
        var grains = services.GetRequiredService<IGrainFactory>();
        var local = await grains.GetGrain<ISiloAgentGrain>(SiloAgentGrain.KeyFor(silo.SiloAddress)).StartAsync();
        if (!local)
        {
            throw new InvalidOperationException($"The silo agent of {silo.SiloAddress} was not placed on its own silo.");
        }
    }
}
