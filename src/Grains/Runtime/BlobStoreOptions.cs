using System.ComponentModel.DataAnnotations;

namespace SelfDissonance.Runtime;

/// <summary>
/// Model artifacts in Azure Blob Storage (the cluster profile). Section "SelfDissonance:Blob"; the connection string is
/// <c>ConnectionStrings:Blob</c> (env <c>ConnectionStrings__Blob</c>) and never appears in logs or ToString.
/// </summary>
public sealed class BlobStoreOptions
{
    public const string Section = "SelfDissonance:Blob";

    /// <summary>Container for artifacts; created on first use.</summary>
    [Required]
    [RegularExpression("^[a-z0-9](?!.*--)[a-z0-9-]{1,61}[a-z0-9]$", ErrorMessage = "Blob container names are 3-63 lowercase letters, digits and single hyphens.")]
    public string Container { get; set; } = "selfdissonance-artifacts";

    /// <summary>Retries of one blob request before the store reports itself unavailable (exponential backoff).</summary>
    [Range(0, 10)]
    public int MaxRetries { get; set; } = 3;

    /// <summary>Time one blob request may take before it counts as failed and is retried.</summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "00:05:00")]
    public TimeSpan NetworkTimeout { get; set; } = TimeSpan.FromSeconds(10);

    public override string ToString() => $"container {Container}, {MaxRetries} retries, timeout {NetworkTimeout}";
}
