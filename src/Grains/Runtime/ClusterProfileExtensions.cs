using Azure.Core;
using Azure.Storage.Blobs;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.Configuration;
using Orleans.Serialization;
using Orleans.Storage;
using SelfDissonance.Learning.Journal;
using SelfDissonance.Models;
using StackExchange.Redis;

namespace SelfDissonance.Runtime;

/// <summary>
/// The cluster profile's services (BRIEF §5): grain state, reminders and streams in Redis, model artifacts in Azure Blob
/// Storage. Clustering itself is the host's choice (the silo host calls UseRedisClustering; test clusters bring their own).
/// </summary>
public static class ClusterProfileExtensions
{
    public static ISiloBuilder AddClusterProfileServices(this ISiloBuilder silo, ClusterConnections connections)
    {
        var services = silo.Services;
        services.AddOptions<BlobStoreOptions>().BindConfiguration(BlobStoreOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<IArtifactStore>(sp =>
        {
            var o = sp.GetRequiredService<IOptions<BlobStoreOptions>>().Value;
            var client = new BlobServiceClient(connections.Blob, new BlobClientOptions
            {
                Retry = { Mode = RetryMode.Exponential, MaxRetries = o.MaxRetries, Delay = TimeSpan.FromMilliseconds(200), MaxDelay = TimeSpan.FromSeconds(5), NetworkTimeout = o.NetworkTimeout },
            });
            var blobs = new BlobArtifactStore(client.GetBlobContainerClient(o.Container), sp.GetRequiredService<ILogger<BlobArtifactStore>>());
            return new SignedArtifactStore(blobs, sp.GetRequiredService<ArtifactSigner>(), sp.GetRequiredService<ILogger<SignedArtifactStore>>());
        });

        services.AddSingleton<ILearnerJournalStore>(sp => new RedisLearnerJournalStore(
            connections.Redis,
            sp.GetRequiredService<IOptions<ClusterOptions>>().Value.ServiceId,
            sp.GetRequiredService<Serializer>()));
        AddRedisStorage(silo, StorageNames.Control, connections.Redis);
        AddRedisStorage(silo, StorageNames.Episodes, connections.Redis);
        // Explicit subscriptions (the silo agents' control stream) must outlive the silo that made them.
        AddRedisStorage(silo, StorageNames.PubSub, connections.Redis);
        silo.UseRedisReminderService(o => o.ConfigurationOptions = ConfigurationOptions.Parse(connections.Redis));
        silo.AddClusterStreams(connections.Redis);
        return silo;
    }

    private static void AddRedisStorage(ISiloBuilder silo, string name, string redis) =>
        silo.AddRedisGrainStorage(name, b => b.Configure<Serializer>((o, serializer) =>
        {
            o.ConfigurationOptions = ConfigurationOptions.Parse(redis);
            // The same binary serializer as the embedded file store: records with immutable collections round-trip exactly.
            o.GrainStorageSerializer = new OrleansGrainStorageSerializer(serializer);
        }));
}
