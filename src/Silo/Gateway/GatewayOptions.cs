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
}
