using System.ComponentModel.DataAnnotations;

namespace SelfDissonance.Client;

/// <summary>Options of <see cref="SelfDissonanceClusterClient"/>. Configuration section <c>SelfDissonance:ClusterClient</c>.</summary>
public sealed class SelfDissonanceClusterClientOptions
{
    /// <summary>The configuration section these options are bound from.</summary>
    public const string SectionName = "SelfDissonance:ClusterClient";

    /// <summary>Who this client is in policy and production histories (the gateway records <c>api</c>).</summary>
    [Required]
    [StringLength(64, MinimumLength = 1)]
    public string Caller { get; set; } = "cluster-client";

    /// <summary>Most episodes per <see cref="ISelfDissonanceClient.SubmitBatchAsync"/> call (the gateway's <c>MaxBatch</c>).</summary>
    [Range(1, 100_000)]
    public int MaxBatch { get; set; } = 1000;

    /// <summary>Most rows per <see cref="ISelfDissonanceClient.PredictManyAsync"/> call (the gateway's <c>MaxPredictRows</c>).</summary>
    [Range(1, 1_000_000)]
    public int MaxPredictRows { get; set; } = 10_000;

    /// <summary>Attempts after the first for operations that are safe to repeat, when the cluster is briefly unavailable.</summary>
    [Range(0, 10)]
    public int MaxRetries { get; set; } = 3;

    /// <summary>First backoff step; doubled per attempt, with jitter.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "00:01:00")]
    public TimeSpan RetryBaseDelay { get; set; } = TimeSpan.FromMilliseconds(200);
}
