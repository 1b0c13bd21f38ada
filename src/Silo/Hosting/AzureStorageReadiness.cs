using Azure;
using Azure.Data.Tables;
using Azure.Storage.Blobs;
using SelfDissonance.Runtime;

namespace SelfDissonance.Silo.Hosting;

/// <summary>
/// Azure profile: whether Table storage (membership, reminders, episode records) and Blob storage (control state,
/// journals, artifacts) both answer a one-item listing. Its own clients without retries, so a probe never queues
/// behind the providers' retries and ends within the readiness deadline.
/// </summary>
public sealed class AzureStorageReadiness(AzureConnections connections) : IStoreProbe
{
    private static readonly TimeSpan s_requestTimeout = TimeSpan.FromSeconds(2);

    private readonly TableServiceClient _tables = connections.Tables(maxRetries: 0, networkTimeout: s_requestTimeout);
    private readonly BlobServiceClient _blobs = connections.Blobs(maxRetries: 0, networkTimeout: s_requestTimeout);

    public string Name => "azure storage";

    public async Task<bool> PingAsync(CancellationToken cancellationToken)
    {
        try
        {
            await Task.WhenAll(TablesAsync(cancellationToken), BlobsAsync(cancellationToken));
            return true;
        }
        catch (Exception e) when (e is RequestFailedException or OperationCanceledException or TimeoutException or AggregateException)
        {
            return false;
        }
    }

    private async Task TablesAsync(CancellationToken cancellationToken)
    {
        await foreach (var _ in _tables.QueryAsync(maxPerPage: 1, cancellationToken: cancellationToken).AsPages(pageSizeHint: 1))
        {
            break;
        }
    }

    private async Task BlobsAsync(CancellationToken cancellationToken)
    {
        await foreach (var _ in _blobs.GetBlobContainersAsync(cancellationToken: cancellationToken).AsPages(pageSizeHint: 1))
        {
            break;
        }
    }
}
