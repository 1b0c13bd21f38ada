using System.ComponentModel.DataAnnotations;

namespace SelfDissonance.Runtime;

/// <summary>
/// The Azure profile's storage account, section <c>SelfDissonance:Azure</c>. Either <c>ConnectionStrings:AzureStorage</c>
/// (a storage connection string, e.g. Azurite's) or the three service URIs with <c>DefaultAzureCredential</c> (managed
/// identity, AKS workload identity). The connection string is never bound here, so it cannot reach a log through ToString.
/// </summary>
public sealed class AzureStorageOptions
{
    public const string Section = "SelfDissonance:Azure";

    public Uri? TableServiceUri { get; set; }

    public Uri? BlobServiceUri { get; set; }

    public Uri? QueueServiceUri { get; set; }

    /// <summary>A user-assigned managed identity's client id; without it DefaultAzureCredential picks (workload identity sets AZURE_CLIENT_ID itself).</summary>
    public string? ManagedIdentityClientId { get; set; }

    /// <summary>Retries of one storage request by the Azure SDK (exponential backoff) before the caller sees the failure.</summary>
    [Range(0, 10)]
    public int MaxRetries { get; set; } = 3;

    /// <summary>Time one storage request may take before it counts as failed and is retried.</summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "00:05:00")]
    public TimeSpan NetworkTimeout { get; set; } = TimeSpan.FromSeconds(10);

    public override string ToString() =>
        $"table {TableServiceUri?.ToString() ?? "-"}, blob {BlobServiceUri?.ToString() ?? "-"}, queue {QueueServiceUri?.ToString() ?? "-"}, {MaxRetries} retries, timeout {NetworkTimeout}";
}
