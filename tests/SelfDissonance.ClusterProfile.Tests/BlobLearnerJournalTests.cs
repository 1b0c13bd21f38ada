using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using Azure.Storage.Blobs.Specialized;
using SelfDissonance.Learning.Journal;
using SelfDissonance.Testing;
using static SelfDissonance.Testing.Api;

namespace SelfDissonance.ClusterProfile.Tests;

/// <summary>
/// The Azure profile's learner journal against Azurite's Blob service: per task an append blob per generation (one
/// block per append) and a pointer blob whose replacement is the atomic reset.
/// </summary>
public sealed class BlobLearnerJournalTests(ClusterServices services) : LearnerJournalContract
{
    private readonly BlobContainerClient _container = new BlobServiceClient(services.Azurite.ConnectionString).GetBlobContainerClient($"journal-{Guid.NewGuid():N}"[..20]);

    protected override ILearnerJournalStore CreateStore(string serviceId) => new BlobLearnerJournalStore(_container, serviceId, EventSerializer);

    protected override async Task<long> StoredEntriesAsync(ILearnerJournalStore store, string taskId)
    {
        var blob = (BlobLearnerJournalStore)store;
        Assert.StartsWith(ServiceId + "/", blob.PrefixOf(taskId), StringComparison.Ordinal);
        var generation = (await blob.PointerOf(taskId).DownloadContentAsync(Ct)).Value.Content.ToString();
        var properties = await _container.GetAppendBlobClient(blob.PrefixOf(taskId) + generation).GetPropertiesAsync(cancellationToken: Ct);
        return properties.Value.BlobCommittedBlockCount;
    }

    protected override async Task<bool> ExistsAsync(ILearnerJournalStore store, string taskId)
    {
        var prefix = ((BlobLearnerJournalStore)store).PrefixOf(taskId);
        var names = new List<string>();
        if (await _container.ExistsAsync(Ct))
        {
            await foreach (var item in _container.GetBlobsAsync(new GetBlobsOptions { Prefix = prefix }, Ct))
            {
                names.Add(item.Name);
            }
        }

        // Nothing left behind: neither the pointer nor an old generation.
        return names.Count > 0;
    }

    [Fact]
    public async Task A_reset_leaves_one_generation_and_a_crash_before_the_pointer_write_leaves_the_old_journal()
    {
        var store = new BlobLearnerJournalStore(_container, ServiceId, EventSerializer);
        using var journal = store.Open("t1");
        await journal.AppendAsync(Event("e1"), Ct);
        await journal.ResetAsync([Event("e1"), Event("e2")], Ct);
        await journal.AppendAsync(Event("e3"), Ct);

        var blobs = new List<string>();
        await foreach (var item in _container.GetBlobsAsync(new GetBlobsOptions { Prefix = store.PrefixOf("t1") }, Ct))
        {
            blobs.Add(item.Name[store.PrefixOf("t1").Length..]);
        }

        Assert.Equal(2, blobs.Count);
        Assert.Contains("current", blobs);

        // A reset that died after writing its new generation but before the pointer: the journal is still the old one.
        var orphan = _container.GetAppendBlobClient(store.PrefixOf("t1") + "29991231000000000000-orphan.log");
        await orphan.CreateAsync(new AppendBlobCreateOptions(), Ct);
        Assert.Equal(["e1", "e2", "e3"], (await store.Open("t1").ReadAllAsync(Ct)).Select(e => e.EpisodeId));

        // The next reset removes it.
        await journal.ResetAsync([Event("e3")], Ct);
        Assert.False(await orphan.ExistsAsync(Ct));
        Assert.Equal(["e3"], (await store.Open("t1").ReadAllAsync(Ct)).Select(e => e.EpisodeId));
    }
}
