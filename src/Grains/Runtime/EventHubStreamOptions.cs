using System.ComponentModel.DataAnnotations;

namespace SelfDissonance.Runtime;

/// <summary>
/// The Azure profile's Event Hubs streams, section <c>SelfDissonance:Azure:EventHubs</c>. The namespace comes from
/// <c>ConnectionStrings:EventHubs</c> or from <see cref="FullyQualifiedNamespace"/> with <c>DefaultAzureCredential</c>;
/// the connection string is never bound here, so it cannot reach a log through ToString.
/// </summary>
public sealed class EventHubStreamOptions
{
    public const string Section = "SelfDissonance:Azure:EventHubs";

    public const string ConnectionStringName = "EventHubs";

    /// <summary>e.g. <c>my-namespace.servicebus.windows.net</c>; used when <c>ConnectionStrings:EventHubs</c> is not set.</summary>
    public string? FullyQualifiedNamespace { get; set; }

    /// <summary>The hub of the queue-path and learning streams (provider <see cref="StreamNames.Provider"/>).</summary>
    [Required]
    public string Hub { get; set; } = "selfdissonance";

    /// <summary>
    /// The hub of the live task events. A provider reads every event of its hub, so each provider has a hub of its own;
    /// default <c>{Hub}-events</c>.
    /// </summary>
    public string? EventsHub { get; set; }

    /// <summary>The hub of the control stream (one partition is enough: one stream); default <c>{Hub}-control</c>.</summary>
    public string? ControlHub { get; set; }

    [Required]
    public string ConsumerGroup { get; set; } = "$Default";

    /// <summary>The Azure Table (in the profile's storage account) holding one checkpoint row per provider and partition.</summary>
    [Required, RegularExpression("^[A-Za-z][A-Za-z0-9]{2,62}$")]
    public string CheckpointTable { get; set; } = "EventHubCheckpoints";

    /// <summary>Least time between two checkpoint writes of a partition (a stopping silo always writes its last one).</summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "00:10:00")]
    public TimeSpan CheckpointInterval { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// Orleans purges a cached event (and checkpoints past it) once it has been cached this long and a newer event is
    /// <see cref="DataMaxAgeInCache"/> younger, whether or not it was delivered; so this stays far above the pulling
    /// agent's delivery time per event (10 s).
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:01", "01:00:00")]
    public TimeSpan DataMinTimeInCache { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>How much newer the newest cached event must be before an older one may be purged.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "02:00:00")]
    public TimeSpan DataMaxAgeInCache { get; set; } = TimeSpan.FromMinutes(2);

    public string EventsHubName => string.IsNullOrWhiteSpace(EventsHub) ? $"{Hub}-events" : EventsHub;

    public string ControlHubName => string.IsNullOrWhiteSpace(ControlHub) ? $"{Hub}-control" : ControlHub;

    public override string ToString() =>
        $"namespace {FullyQualifiedNamespace ?? "(connection string)"}, hubs {Hub}/{EventsHubName}/{ControlHubName}, consumer group {ConsumerGroup}, checkpoints in table {CheckpointTable} every {CheckpointInterval}";
}
