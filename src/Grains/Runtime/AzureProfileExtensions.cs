using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.Configuration;
using Orleans.Serialization;
using Orleans.Storage;
using SelfDissonance.Learning.Journal;
using SelfDissonance.Models;

namespace SelfDissonance.Runtime;

/// <summary>
/// The Azure profile's services (BRIEF §5): grain state with the Orleans Azure Storage provider, reminders in Azure
/// Table storage, learner journals and model artifacts in Blob storage, streams on Event Hubs or Azure Queues.
/// Membership is the host's choice (the silo host calls UseAzureStorageClustering; test clusters bring their own).
/// </summary>
public static class AzureProfileExtensions
{
    /// <summary>Values of <c>SelfDissonance:Streams:Provider</c> on the Azure profile.</summary>
    public const string EventHubsStreams = "EventHubs";

    public const string AzureQueueStreams = "AzureQueue";

    public static ISiloBuilder AddAzureProfileServices(this ISiloBuilder silo, AzureConnections connections)
    {
        var services = silo.Services;
        var configuration = silo.Configuration;
        services.AddOptions<AzureStorageOptions>().BindConfiguration(AzureStorageOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<AzureQueueStreamOptions>().BindConfiguration(AzureQueueStreamOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<BlobStoreOptions>().BindConfiguration(BlobStoreOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton(connections);
        // The service id names containers and queues; read here because streams are configured before the host builds.
        var serviceId = configuration["SelfDissonance:Silo:ServiceId"] is { Length: > 0 } id ? id : "selfdissonance";

        services.AddSingleton<IArtifactStore>(sp =>
        {
            var o = sp.GetRequiredService<IOptions<BlobStoreOptions>>().Value;
            var client = connections.Blobs(o.MaxRetries, o.NetworkTimeout);
            var blobs = new BlobArtifactStore(client.GetBlobContainerClient(o.Container), sp.GetRequiredService<ILogger<BlobArtifactStore>>());
            return new SignedArtifactStore(blobs, sp.GetRequiredService<ArtifactSigner>(), sp.GetRequiredService<ILogger<SignedArtifactStore>>());
        });
        services.AddSingleton<ILearnerJournalStore>(sp => new BlobLearnerJournalStore(
            connections.Blobs().GetBlobContainerClient(AzureNames.Container(sp.GetRequiredService<IOptions<ClusterOptions>>().Value.ServiceId, "journal")),
            sp.GetRequiredService<IOptions<ClusterOptions>>().Value.ServiceId,
            sp.GetRequiredService<Serializer>()));

        // Table or blob, per storage name, by the size and number of the states behind it:
        // - Episodes: one small record per episode (features, prediction, critique, gate; well under 10 KB), millions of
        //   them, written once or twice each. Azure Table: a point write per record, cheaper and faster than a blob PUT.
        // - Control: task, policy, registry, learner, cycle log, audit and key-store state, a few grains per task but
        //   unbounded in size (the registry keeps every version and its production history; the learner every erased
        //   episode id; the audit log up to 1,000 entries). A table entity stops at 1 MB (the provider refuses state past
        //   15 x 64 KB properties), so a long-lived task would one day fail to save: Blob storage, no practical limit.
        // - PubSub: subscriptions of the control and events streams (one per silo agent or watcher), small. Table.
        AddTableStorage(silo, StorageNames.Episodes, connections);
        AddTableStorage(silo, StorageNames.PubSub, connections);
        silo.AddAzureBlobGrainStorage(StorageNames.Control, b => b.Configure<Serializer, IOptions<ClusterOptions>>((o, serializer, cluster) =>
        {
            o.BlobServiceClient = connections.Blobs();
            // Blob names are the grain ids only: the service id goes in the container's name so services can share an account.
            o.ContainerName = AzureNames.Container(cluster.Value.ServiceId, "state");
            o.GrainStorageSerializer = new OrleansGrainStorageSerializer(serializer);
        }));
        silo.UseAzureTableReminderService(b => b.Configure(o =>
        {
            o.TableServiceClient = connections.Tables();
        }));

        var streams = configuration["SelfDissonance:Streams:Provider"] is { Length: > 0 } provider ? provider : EventHubsStreams;
        if (string.Equals(streams, AzureQueueStreams, StringComparison.OrdinalIgnoreCase))
        {
            silo.AddAzureQueueStreams(connections.Queues(), serviceId);
        }
        else if (string.Equals(streams, EventHubsStreams, StringComparison.OrdinalIgnoreCase))
        {
            silo.AddSelfDissonanceEventHubStreams(configuration);
        }
        else
        {
            throw new InvalidOperationException($"SelfDissonance:Streams:Provider '{streams}' is unknown on the Azure profile; use '{EventHubsStreams}' (the default) or '{AzureQueueStreams}'.");
        }

        return silo;
    }

    private static void AddTableStorage(ISiloBuilder silo, string name, AzureConnections connections) =>
        silo.AddAzureTableGrainStorage(name, b => b.Configure<Serializer>((o, serializer) =>
        {
            o.TableServiceClient = connections.Tables();
            // The same binary serializer as the other profiles: records with immutable collections round-trip exactly.
            o.GrainStorageSerializer = new OrleansGrainStorageSerializer(serializer);
        }));
}
