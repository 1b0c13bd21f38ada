using System.ComponentModel.DataAnnotations;

namespace SelfDissonance.Runtime;

/// <summary>Azure Queue streams on the Azure profile (<c>SelfDissonance:Streams:Provider=AzureQueue</c>), section <c>SelfDissonance:Streams:AzureQueue</c>.</summary>
public sealed class AzureQueueStreamOptions
{
    public const string Section = "SelfDissonance:Streams:AzureQueue";

    /// <summary>Queues of the queue-path and learning provider (its partitions); the events and control providers use one each.</summary>
    [Range(1, 64)]
    public int QueueCount { get; set; } = 8;

    /// <summary>
    /// How long a read message stays invisible to other silos. A message is deleted once every consumer has passed it,
    /// so this is how soon the messages a killed silo had read come back for its queues' next owner.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:01", "01:00:00")]
    public TimeSpan VisibilityTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Messages each queue's pulling agent keeps in its cache (back-pressure bound).</summary>
    [Range(64, 1_000_000)]
    public int CacheSize { get; set; } = 4096;
}
