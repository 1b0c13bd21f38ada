using System.ComponentModel.DataAnnotations;

namespace SelfDissonance.Runtime;

/// <summary>Silo-local caches and counters. Section "SelfDissonance:Runtime".</summary>
public sealed class RuntimeOptions
{
    public const string Section = "SelfDissonance:Runtime";

    /// <summary>How often each silo pushes its episode counters to the meta-controllers and registries.</summary>
    [Range(typeof(TimeSpan), "00:00:00.050", "00:10:00")]
    public TimeSpan CounterFlushInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Safety net behind the control stream: cached tasks are re-read this often.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "01:00:00")]
    public TimeSpan CacheRefreshInterval { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// Period of the reminder that finishes a queued episode a dead or failing activation left half-way (and retries a
    /// learning event that could not be published). Orleans' minimum reminder period is lowered to match when shorter.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:01", "01:00:00")]
    public TimeSpan FinishReminderPeriod { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>How often each silo publishes the episode outcomes it answered to the tasks' live events streams.</summary>
    [Range(typeof(TimeSpan), "00:00:00.050", "00:01:00")]
    public TimeSpan EventFlushInterval { get; set; } = TimeSpan.FromMilliseconds(250);

    /// <summary>Least time between two history samples of a task (traffic, lambda, budget, accuracy per version).</summary>
    [Range(typeof(TimeSpan), "00:00:00.050", "01:00:00")]
    public TimeSpan HistorySampleInterval { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// How long the embedded profile's memory streams keep a message in their cache after it arrived: the most a
    /// consumer (the learner in a long cycle) may lag before it misses events. Then it goes, traffic or not.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:01", "01:00:00")]
    public TimeSpan StreamCacheRetention { get; set; } = TimeSpan.FromMinutes(1);
}
