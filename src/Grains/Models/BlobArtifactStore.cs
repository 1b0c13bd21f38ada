using System.Security.Cryptography;
using Azure;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using Microsoft.Extensions.Logging;

namespace SelfDissonance.Models;

/// <summary>
/// Artifacts as blobs in one container (the cluster profile). Writes are create-only (<c>If-None-Match: *</c>), so a key
/// is never replaced even by two silos racing; the SHA-256 is kept in the blob's metadata for operators, but every read
/// is verified against the hash the registry recorded, never against what the store says about itself.
/// </summary>
public sealed partial class BlobArtifactStore(BlobContainerClient container, ILogger<BlobArtifactStore> logger) : IArtifactStore
{
    private readonly SemaphoreSlim _createLock = new(1, 1);
    private volatile bool _containerReady;

    public async Task<ArtifactRef> PutAsync(string key, ReadOnlyMemory<byte> content, CancellationToken cancellationToken = default)
    {
        var blob = BlobOf(key);
        var sha = Sha(content.Span);
        var artifact = new ArtifactRef(key, sha, content.Length);
        var options = new BlobUploadOptions
        {
            Conditions = new BlobRequestConditions { IfNoneMatch = ETag.All },
            Metadata = new Dictionary<string, string> { ["sha256"] = sha },
        };

        await EnsureContainerAsync(cancellationToken);
        try
        {
            await Guard("write", key, () => blob.UploadAsync(BinaryData.FromBytes(content), options, cancellationToken), cancellationToken);
        }
        catch (RequestFailedException e) when (e.Status is 409 or 412)
        {
            // Someone stored this key first; content addressing makes that the same bytes unless something is wrong.
            var existing = await ReadAsync(artifact, cancellationToken);
            return Sha(existing) == sha ? artifact : throw new ArtifactConflictException(key);
        }
        catch (RequestFailedException e) when (e.Status == 404)
        {
            // The container was deleted under us: create it again once and retry.
            _containerReady = false;
            await EnsureContainerAsync(cancellationToken);
            await Guard("write", key, () => blob.UploadAsync(BinaryData.FromBytes(content), options, cancellationToken), cancellationToken);
        }

        LogStored(logger, key, content.Length, sha);
        return artifact;
    }

    public async Task<byte[]> GetVerifiedAsync(ArtifactRef artifact, CancellationToken cancellationToken = default)
    {
        var bytes = await ReadAsync(artifact, cancellationToken);
        var actual = Sha(bytes);
        if (!string.Equals(actual, artifact.Sha256, StringComparison.Ordinal))
        {
            LogIntegrityFailure(logger, artifact.Key, artifact.Sha256, actual);
            throw new ArtifactIntegrityException(artifact.Key, artifact.Sha256, actual);
        }

        return bytes;
    }

    private async Task<byte[]> ReadAsync(ArtifactRef artifact, CancellationToken cancellationToken)
    {
        var blob = BlobOf(artifact.Key);
        try
        {
            var result = await Guard("read", artifact.Key, () => blob.DownloadContentAsync(cancellationToken), cancellationToken);
            return result.Value.Content.ToArray();
        }
        catch (RequestFailedException e) when (e.Status == 404)
        {
            throw new ArtifactIntegrityException(artifact.Key, artifact.Sha256, "(missing)");
        }
    }

    private static string Sha(ReadOnlySpan<byte> bytes) => Convert.ToHexStringLower(SHA256.HashData(bytes));

    public async Task<bool> ExistsAsync(string key, CancellationToken cancellationToken = default)
    {
        var blob = BlobOf(key);
        var exists = await Guard("check", key, () => blob.ExistsAsync(cancellationToken), cancellationToken);
        return exists.Value;
    }

    public async Task DeleteAsync(string key, CancellationToken cancellationToken = default)
    {
        var blob = BlobOf(key);
        await Guard("delete", key, () => blob.DeleteIfExistsAsync(cancellationToken: cancellationToken), cancellationToken);
    }

    public string Describe() => $"blob container {container.Name} at {container.Uri.GetLeftPart(UriPartial.Authority)}";

    private async Task EnsureContainerAsync(CancellationToken cancellationToken)
    {
        if (_containerReady)
        {
            return;
        }

        await _createLock.WaitAsync(cancellationToken);
        try
        {
            if (!_containerReady)
            {
                await Guard("create container", container.Name, () => container.CreateIfNotExistsAsync(cancellationToken: cancellationToken), cancellationToken);
                _containerReady = true;
            }
        }
        finally
        {
            _createLock.Release();
        }
    }

    /// <summary>
    /// The SDK has already retried with backoff (BlobStoreOptions.MaxRetries) when a call lands here failing; what is left
    /// is an outage, reported once per call as <see cref="ArtifactStoreUnavailableException"/> with a clear log line.
    /// Answers from a reachable store (404, 409, 412) pass through for the caller to interpret.
    /// </summary>
    private async Task<T> Guard<T>(string operation, string key, Func<Task<T>> call, CancellationToken cancellationToken)
    {
        try
        {
            return await call();
        }
        catch (RequestFailedException e) when (e.Status is 404 or 409 or 412)
        {
            throw;
        }
        catch (Exception e) when (e is RequestFailedException or AggregateException or IOException or HttpRequestException
            || (e is OperationCanceledException && !cancellationToken.IsCancellationRequested))
        {
            LogUnavailable(logger, e, operation, key, Describe());
            throw new ArtifactStoreUnavailableException($"The artifact store ({Describe()}) is unavailable: {operation} of '{key}' failed after retries.", e);
        }
    }

    private BlobClient BlobOf(string key) => ArtifactKeys.IsValid(key)
        ? container.GetBlobClient(key)
        : throw new ArgumentException($"'{key}' is not a valid artifact key.", nameof(key));

    [LoggerMessage(Level = LogLevel.Debug, Message = "Stored artifact {Key} ({Bytes} bytes, sha256 {Sha256})")]
    private static partial void LogStored(ILogger logger, string key, long bytes, string sha256);

    [LoggerMessage(Level = LogLevel.Error, Message = "Artifact {Key} failed its integrity check: expected sha256 {Expected}, found {Actual}; refused")]
    private static partial void LogIntegrityFailure(ILogger logger, string key, string expected, string actual);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Artifact store unavailable: {Operation} of {Key} failed after retries ({Store}); learning and promotion wait and retry, serving keeps its cached models")]
    private static partial void LogUnavailable(ILogger logger, Exception exception, string operation, string key, string store);
}
