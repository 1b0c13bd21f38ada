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
}
