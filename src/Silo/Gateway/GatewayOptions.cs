using System.ComponentModel.DataAnnotations;

namespace SelfDissonance.Silo.Gateway;

/// <summary>HTTP API limits. Section "SelfDissonance:Gateway".</summary>
public sealed class GatewayOptions
{
    public const string Section = "SelfDissonance:Gateway";

    /// <summary>Largest request body on every route but bootstrap.</summary>
    [Range(1024, 1L << 30)]
    public long MaxBodyBytes { get; set; } = 1 << 20;

    /// <summary>Largest bootstrap body (JSON or CSV).</summary>
    [Range(1024, 1L << 32)]
    public long MaxBootstrapBytes { get; set; } = 32L << 20;

    /// <summary>Most episodes in one <c>episodes:batch</c> request.</summary>
    [Range(1, 1_000_000)]
    public int MaxBatch { get; set; } = 1000;

    /// <summary>Most rows in one <c>/predict</c> request.</summary>
    [Range(1, 1_000_000)]
    public int MaxPredictRows { get; set; } = 10_000;

    /// <summary>Most features a new task may have (never above the model limit of 1024).</summary>
    [Range(1, 1024)]
    public int MaxFeatures { get; set; } = 1024;

    /// <summary>Most classes a new task may have (never above the model limit of 100).</summary>
    [Range(2, 100)]
    public int MaxClasses { get; set; } = 100;

    /// <summary>Most rows (training plus golden, JSON or CSV) in one bootstrap.</summary>
    [Range(2, 10_000_000)]
    public int MaxBootstrapRows { get; set; } = 1_000_000;

    /// <summary>Longest time a request may take (reading its body included) before it is answered 503 request_timeout.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "01:00:00")]
    public TimeSpan RequestTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>The same for the routes that train (bootstrap, learn). Live event streams have no limit.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "1.00:00:00")]
    public TimeSpan TrainingRequestTimeout { get; set; } = TimeSpan.FromMinutes(10);
}
