using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.Runtime.Hosting;
using Orleans.Storage;
using SelfDissonance.Learning.Fits;
using SelfDissonance.Learning.Journal;
using SelfDissonance.Models;
using SelfDissonance.Storage;
using SelfDissonance.Streaming;

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

        services.AddHostedService<Learning.LearningWarmUpService>();

        // A worker only where the host says how to start one (the silo's Program); test hosts fit in their own process.
        services.AddSingleton<IFitHost>(sp => sp.GetService<LearningWorkerCommand>() is { } command && sp.GetRequiredService<IOptions<LearningOptions>>().Value.FitInWorker
            ? new WorkerFitHost(command, sp.GetRequiredService<ILogger<WorkerFitHost>>())
            : InProcessFitHost.Instance);
        services.AddSingleton<ModelLoader>();
        services.AddSingleton<TaskRuntimeCache>();
        services.AddSingleton<SiloCounters>();
        services.AddSingleton<SiloEventBuffer>();
        services.AddSingleton<Episodes.EpisodePipeline>();
        services.AddSingleton<Episodes.ReceivedEpisodes>();

        var options = configuration.GetSection(SelfDissonanceOptions.Section).Get<SelfDissonanceOptions>() ?? new SelfDissonanceOptions();
        var profile = Profiles.Normalize(options.Profile);
        var multiSilo = Profiles.IsMultiSilo(profile);
        services.AddOptions<ArtifactSigningOptions>().BindConfiguration(ArtifactSigningOptions.Section)
            .Validate(o => !multiSilo || !string.IsNullOrWhiteSpace(o.SigningKey), $"SelfDissonance:Profile={profile} needs {ArtifactSigningOptions.Section}:SigningKey (the same on every silo).")
            .ValidateOnStart();

        // Resolved when the store is first built (at silo start): a cluster silo without the shared key does not start.
        services.AddSingleton(sp => new ArtifactSigner(ArtifactSigningKeys.Resolve(
            sp.GetRequiredService<IOptions<ArtifactSigningOptions>>().Value,
            sp.GetRequiredService<IOptions<SelfDissonanceOptions>>().Value.DataDirectory,
            multiSilo)));
        if (Profiles.IsCluster(profile))
        {
            silo.AddClusterProfileServices(ClusterConnections.From(configuration));
        }
        else if (Profiles.IsAzure(profile))
        {
            silo.AddAzureProfileServices(AzureConnections.From(configuration));
        }
        else
        {
            AddEmbeddedServices(silo, options, runtime);
        }

        // Grain calls carry the caller's trace context, so one trace follows an episode from the gateway through the grains.
        silo.AddActivityPropagation();
        silo.AddStartupTask(StartSiloAgentAsync);
        return silo;
    }

    private static void AddEmbeddedServices(ISiloBuilder silo, SelfDissonanceOptions options, RuntimeOptions runtime)
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
        silo.AddReleasingMemoryStreams(StreamNames.Provider, streams =>
        {
            streams.ConfigurePartitioning(8);
            // Implicit subscriptions only: no pub-sub state per queued episode's stream.
            streams.ConfigureStreamPubSub(Orleans.Streams.StreamPubSubType.ImplicitOnly);
            // Queue-path streams are one per episode id; forget idle ones quickly so they do not pile up in memory.
            streams.ConfigurePullingAgent(o => o.Configure(a => a.StreamInactivityPeriod = TimeSpan.FromMinutes(2)));
            LimitCache(streams, runtime.StreamCacheRetention);
        });
        silo.AddReleasingMemoryStreams(StreamNames.ControlProvider, streams =>
        {
            streams.ConfigurePartitioning(1);
            LimitCache(streams, runtime.StreamCacheRetention);
        });
        silo.AddReleasingMemoryStreams(StreamNames.EventsProvider, streams =>
        {
            streams.ConfigurePartitioning(1);
            LimitCache(streams, runtime.StreamCacheRetention);
        });
    }

    /// <summary>
    /// Memory streams keep a message until it has been in the cache for DataMinTimeInCache and is DataMaxAgeInCache older
    /// than the newest message (Orleans' defaults: 5 and 30 minutes). Under a steady few thousand episodes a second that
    /// held millions of delivered learning events, and since the age is relative to the newest message, an idle silo
    /// kept its last half hour of traffic for good (after a million episodes, the last minute was 130 MB of pooled
    /// buffers). Here every message stays one minute, the lag a consumer may have (the learner ingests an event in
    /// microseconds and pauses seconds for a cycle; <see cref="RuntimeOptions.StreamCacheRetention"/>), and then goes,
    /// traffic or not; the newest message stays as the cache's position. The blocks it was in go back to the garbage
    /// collector (<see cref="ReleasingMemoryStreams"/>).
    /// </summary>
    private static void LimitCache(ISiloMemoryStreamConfigurator streams, TimeSpan retention) =>
        streams.ConfigureCacheEviction(o => o.Configure(e =>
        {
            e.DataMinTimeInCache = retention;
            e.DataMaxAgeInCache = TimeSpan.Zero;
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
