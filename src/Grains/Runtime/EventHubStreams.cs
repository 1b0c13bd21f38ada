using Azure.Data.Tables;
using Azure.Identity;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Orleans.Configuration;
using Orleans.Streams;

namespace SelfDissonance.Runtime;

/// <summary>
/// The Azure profile's Event Hubs streams (<c>SelfDissonance:Streams:Provider=EventHubs</c>): the same three providers
/// the Redis profile has, each on a hub of its own, with partition checkpoints in Azure Table storage. The pub-sub store
/// (<see cref="StorageNames.PubSub"/>) of the two explicit providers is the profile's.
/// </summary>
public static class EventHubStreams
{
    /// <summary>The storage account's connection string (Azurite's locally), as for the rest of the Azure profile.</summary>
    public const string StorageConnectionStringName = AzureConnections.ConnectionStringName;

    public static ISiloBuilder AddSelfDissonanceEventHubStreams(this ISiloBuilder silo, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var connect = new EventHubConnector(configuration);
        silo.Services.AddOptions<EventHubStreamOptions>()
            .BindConfiguration(EventHubStreamOptions.Section)
            .ValidateDataAnnotations()
            .Validate(o => connect.HasEventHubsConnectionString || !string.IsNullOrWhiteSpace(o.FullyQualifiedNamespace),
                $"The Event Hubs streams need ConnectionStrings:{EventHubStreamOptions.ConnectionStringName} (env ConnectionStrings__{EventHubStreamOptions.ConnectionStringName}) or {EventHubStreamOptions.Section}:FullyQualifiedNamespace.")
            .Validate(_ => connect.HasTableStorage,
                $"The Event Hubs checkpoints need ConnectionStrings:{StorageConnectionStringName} or {AzureStorageOptions.Section}:TableServiceUri.")
            .ValidateOnStart();

        // Queue path and learning: implicit subscriptions only, as on Redis. Nothing written before the first checkpoint
        // is skipped: a partition without a checkpoint is read from its earliest retained event, not from "now".
        Add(silo, connect, StreamNames.Provider, o => o.Hub, startFromNow: false, QueuePathStreams.Configure);

        // Live task events for watchers: best effort, no replay, so a new reader starts at the end of its hub.
        Add(silo, connect, StreamNames.EventsProvider, o => o.EventsHubName, startFromNow: true,
            s => s.ConfigureStreamPubSub(StreamPubSubType.ExplicitGrainBasedAndImplicit));

        // The control stream: one stream, a subscription per silo agent (explicit, kept in PubSubStore).
        Add(silo, connect, StreamNames.ControlProvider, o => o.ControlHubName, startFromNow: false,
            s => s.ConfigureStreamPubSub(StreamPubSubType.ExplicitGrainBasedAndImplicit));
        return silo;
    }

    private static void Add(ISiloBuilder silo, EventHubConnector connect, string provider, Func<EventHubStreamOptions, string> hub, bool startFromNow, Action<ISiloEventHubStreamConfigurator> configure) =>
        silo.AddEventHubStreams(provider, s =>
        {
            s.ConfigureEventHub(b => b.Configure<IOptions<EventHubStreamOptions>>((eh, o) => connect.Connect(eh, hub(o.Value), o.Value)));
            s.UseAzureTableCheckpointer(b => b.Configure<IOptions<EventHubStreamOptions>>((c, o) =>
            {
                c.TableServiceClient = connect.Tables();
                c.TableName = o.Value.CheckpointTable;
                c.PersistInterval = o.Value.CheckpointInterval;
            }));
            s.ConfigurePartitionReceiver(b => b.Configure(r => r.StartFromNow = startFromNow));
            s.ConfigureCacheEviction(b => b.Configure<IOptions<EventHubStreamOptions>>((e, o) =>
            {
                e.DataMinTimeInCache = o.Value.DataMinTimeInCache;
                e.DataMaxAgeInCache = o.Value.DataMaxAgeInCache;
            }));
            configure(s);
        });

    /// <summary>
    /// Event Hubs connections from the configuration; the checkpoint table and the credential are the profile's own
    /// (<see cref="AzureConnections"/>). Keys are read when a connection is made and never stored in options, logged or printed.
    /// </summary>
    private sealed class EventHubConnector(IConfiguration configuration)
    {
        private readonly Lazy<AzureConnections> _storage = new(() => AzureConnections.From(configuration));

        public bool HasEventHubsConnectionString => !string.IsNullOrWhiteSpace(configuration.GetConnectionString(EventHubStreamOptions.ConnectionStringName));

        public bool HasTableStorage =>
            !string.IsNullOrWhiteSpace(configuration.GetConnectionString(StorageConnectionStringName))
            || Uri.TryCreate(configuration[$"{AzureStorageOptions.Section}:{nameof(AzureStorageOptions.TableServiceUri)}"], UriKind.Absolute, out _);

        public void Connect(EventHubOptions eh, string hub, EventHubStreamOptions options)
        {
            var connectionString = configuration.GetConnectionString(EventHubStreamOptions.ConnectionStringName);
            if (!string.IsNullOrWhiteSpace(connectionString))
            {
                eh.ConfigureEventHubConnection(connectionString, hub, options.ConsumerGroup);
            }
            else if (!string.IsNullOrWhiteSpace(options.FullyQualifiedNamespace))
            {
                // With a storage connection string the profile has no credential of its own; Event Hubs still needs one.
                var credential = _storage.Value.Credential ?? new DefaultAzureCredential(new DefaultAzureCredentialOptions
                {
                    ManagedIdentityClientId = configuration[$"{AzureStorageOptions.Section}:{nameof(AzureStorageOptions.ManagedIdentityClientId)}"],
                });
                eh.ConfigureEventHubConnection(options.FullyQualifiedNamespace, hub, options.ConsumerGroup, credential);
            }

            // Neither: left unconfigured, so the options validation above (and Orleans' own) refuses to start the silo.
        }

        public TableServiceClient Tables() => _storage.Value.Tables();

        public override string ToString() => "EventHubConnector { keys: *** }";
    }
}
