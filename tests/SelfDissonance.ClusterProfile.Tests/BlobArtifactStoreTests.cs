using System.Text;
using Azure.Storage.Blobs;
using Microsoft.Extensions.Logging.Abstractions;
using SelfDissonance.Models;
using SelfDissonance.Testing;
using static SelfDissonance.Testing.Api;

namespace SelfDissonance.ClusterProfile.Tests;

/// <summary>The blob artifact store against a real Azurite: create-only writes, verified reads, a clear failure when the service is down.</summary>
public sealed class BlobArtifactStoreTests(ClusterServices services)
{
    private BlobContainerClient NewContainer(int maxRetries = 3, double timeoutSeconds = 10) =>
        new BlobServiceClient(services.Azurite.ConnectionString, new BlobClientOptions
        {
            Retry = { MaxRetries = maxRetries, Delay = TimeSpan.FromMilliseconds(50), NetworkTimeout = TimeSpan.FromSeconds(timeoutSeconds) },
        }).GetBlobContainerClient($"t-{Guid.NewGuid():N}");

    private static BlobArtifactStore Store(BlobContainerClient container) => new(container, NullLogger<BlobArtifactStore>.Instance);

    [Fact]
    public async Task The_container_is_created_on_first_write_and_reads_return_the_verified_bytes()
    {
        var container = NewContainer();
        Assert.False(await container.ExistsAsync(Ct));
        var store = Store(container);
        var bytes = Encoding.UTF8.GetBytes("model bytes");

        var artifact = await store.PutAsync("tasks/t1/models/proposer/abc.zip", bytes, Ct);

        Assert.True(await container.ExistsAsync(Ct));
        Assert.True(await store.ExistsAsync(artifact.Key, Ct));
        Assert.Equal(bytes, await store.GetVerifiedAsync(artifact, Ct));
        Assert.Equal(Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(bytes)), artifact.Sha256);
    }

    [Fact]
    public async Task Writes_are_create_only_the_same_bytes_again_are_accepted_and_different_bytes_are_refused()
    {
        var container = NewContainer();
        var store = Store(container);
        var first = await store.PutAsync("k/one", "first"u8.ToArray(), Ct);

        Assert.Equal(first, await store.PutAsync("k/one", "first"u8.ToArray(), Ct));
        await Assert.ThrowsAsync<ArtifactConflictException>(() => store.PutAsync("k/one", "second"u8.ToArray(), Ct));

        var stored = await container.GetBlobClient("k/one").DownloadContentAsync(Ct);
        Assert.Equal("first", stored.Value.Content.ToString());
    }

    [Fact]
    public async Task A_blob_changed_behind_the_store_or_missing_is_refused_on_read()
    {
        var container = NewContainer();
        var store = Store(container);
        var artifact = await store.PutAsync("k/tampered", "original"u8.ToArray(), Ct);
        // Someone with write access replaces the bytes (an unconditional overwrite, as a careless tool would do).
        await container.GetBlobClient("k/tampered").UploadAsync(BinaryData.FromString("evil"), overwrite: true, Ct);

        var refused = await Assert.ThrowsAsync<ArtifactIntegrityException>(() => store.GetVerifiedAsync(artifact, Ct));
        Assert.Equal(artifact.Sha256, refused.Expected);
        Assert.NotEqual(artifact.Sha256, refused.Actual);

        var missing = await Assert.ThrowsAsync<ArtifactIntegrityException>(() => store.GetVerifiedAsync(artifact with { Key = "k/never-written" }, Ct));
        Assert.Equal("(missing)", missing.Actual);
    }

    [Fact]
    public async Task Keys_outside_the_artifact_grammar_are_refused_before_any_request()
    {
        var store = Store(NewContainer());
        await Assert.ThrowsAsync<ArgumentException>(() => store.PutAsync("../escape", "x"u8.ToArray(), Ct));
        await Assert.ThrowsAsync<ArgumentException>(() => store.PutAsync("a//b", "x"u8.ToArray(), Ct));
    }

    [Fact]
    public async Task A_blob_service_that_is_down_is_reported_as_unavailable_after_retries_and_works_again_when_back()
    {
        var store = Store(NewContainer(maxRetries: 1, timeoutSeconds: 2));
        await store.PutAsync("k/before", "x"u8.ToArray(), Ct);
        await services.Azurite.StopAsync();
        try
        {
            var down = await Assert.ThrowsAsync<ArtifactStoreUnavailableException>(() => store.PutAsync("k/during", "y"u8.ToArray(), Ct));
            Assert.IsAssignableFrom<IOException>(down);
            Assert.Contains("unavailable", down.Message, StringComparison.Ordinal);
        }
        finally
        {
            await services.Azurite.StartAsync();
        }

        var after = await store.PutAsync("k/during", "y"u8.ToArray(), Ct);
        Assert.Equal("y"u8.ToArray(), await store.GetVerifiedAsync(after, Ct));
    }
}
