using System.Buffers.Binary;
using Azure;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using Azure.Storage.Blobs.Specialized;
using Orleans.Serialization;

namespace SelfDissonance.Learning.Journal;

/// <summary>
/// The Azure profile's journals, in one blob container: per task a generation, an append blob
/// <c>{service}/{task}/{generation}.log</c> of records <c>[int32 length][Orleans-serialized LearningEvent]</c>, and a
/// pointer block blob <c>{service}/{task}/current</c> naming the live generation. An append is one Append Block (atomic:
/// the service commits a block whole or not at all), acknowledged by storage before the learner acknowledges the event.
/// A reset writes the new generation completely and then replaces the pointer, one atomic blob write, so a crash leaves
/// the old journal or the new one, never a mix; older generations are deleted afterwards (and on the next reset if a
/// crash left them). An append blob takes at most 50,000 blocks: past <see cref="CompactAtBlocks"/> the journal is
/// rewritten as a new generation of large blocks.
/// </summary>
public sealed class BlobLearnerJournalStore(BlobContainerClient container, string serviceId, Serializer serializer) : ILearnerJournalStore
{
    /// <summary>Appends per generation before it is compacted (the service's limit is 50,000 blocks per append blob).</summary>
    public const int CompactAtBlocks = 45_000;

    /// <summary>Largest block a reset writes (Azure and Azurite accept 4 MiB append blocks).</summary>
    private const int MaxBlockBytes = 4 << 20;

    /// <summary>Far above any event; a larger length is corruption, not a record.</summary>
    private const int MaxRecordBytes = 16 << 20;

    private readonly SemaphoreSlim _createLock = new(1, 1);
    private volatile bool _containerReady;

    public BlobContainerClient Container => container;

    public ILearnerJournal Open(string taskId) => new Journal(this, PrefixOf(taskId));

    /// <summary>The blob name prefix of <paramref name="taskId"/>'s journal (its pointer and generations).</summary>
    public string PrefixOf(string taskId) => $"{Uri.EscapeDataString(serviceId)}/{Uri.EscapeDataString(taskId)}/";

    /// <summary>The pointer blob of <paramref name="taskId"/>'s journal: absent while the journal is empty.</summary>
    public BlobClient PointerOf(string taskId) => container.GetBlobClient(PrefixOf(taskId) + "current");

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
                await container.CreateIfNotExistsAsync(cancellationToken: cancellationToken);
                _containerReady = true;
            }
        }
        finally
        {
            _createLock.Release();
        }
    }

    private byte[] Record(LearningEvent item)
    {
        var payload = serializer.SerializeToArray(item);
        var record = new byte[sizeof(int) + payload.Length];
        BinaryPrimitives.WriteInt32LittleEndian(record, payload.Length);
        payload.CopyTo(record, sizeof(int));
        return record;
    }

    private List<LearningEvent> Parse(ReadOnlySpan<byte> data)
    {
        var events = new List<LearningEvent>();
        while (data.Length >= sizeof(int))
        {
            var length = BinaryPrimitives.ReadInt32LittleEndian(data);
            if (length <= 0 || length > MaxRecordBytes || data.Length - sizeof(int) < length)
            {
                // A block is committed whole, so this is not a torn append but damage: keep what precedes it, as the file journal does.
                break;
            }

            events.Add(serializer.Deserialize<LearningEvent>(data.Slice(sizeof(int), length).ToArray())
                ?? throw new InvalidDataException("A learner journal blob holds a null event."));
            data = data[(sizeof(int) + length)..];
        }

        return events;
    }

    private sealed class Journal(BlobLearnerJournalStore store, string prefix) : ILearnerJournal
    {
        private BlobClient Pointer => store.Container.GetBlobClient(prefix + "current");

        /// <summary>The live generation's blob, once known (read, appended to or written by this journal).</summary>
        private AppendBlobClient? _generation;

        public async ValueTask<IReadOnlyList<LearningEvent>> ReadAllAsync(CancellationToken cancellationToken = default)
        {
            for (var attempt = 0; ; attempt++)
            {
                _generation = await CurrentAsync(cancellationToken);
                if (_generation is null)
                {
                    return [];
                }

                try
                {
                    var content = await _generation.DownloadContentAsync(cancellationToken);
                    return store.Parse(content.Value.Content.ToMemory().Span);
                }
                catch (RequestFailedException e) when (e.Status == 404 && attempt == 0)
                {
                    // The pointer named a generation a concurrent reset has since replaced: read the new one, once.
                    // A pointer to a generation that stays missing is damage, and the second 404 says so.
                    _generation = null;
                }
            }
        }

        public ValueTask AppendAsync(LearningEvent item, CancellationToken cancellationToken = default) => AppendAsync(item, retried: false, cancellationToken);

        private async ValueTask AppendAsync(LearningEvent item, bool retried, CancellationToken cancellationToken)
        {
            var record = store.Record(item);
            _generation ??= await CurrentAsync(cancellationToken);
            if (_generation is null)
            {
                await WriteGenerationAsync([record], cancellationToken);
                return;
            }

            Response<BlobAppendInfo> appended;
            try
            {
                appended = await _generation.AppendBlockAsync(new MemoryStream(record, writable: false), cancellationToken: cancellationToken);
            }
            catch (RequestFailedException e) when (e.Status == 404 && !retried)
            {
                // Replaced by another journal instance's reset (an activation elsewhere): follow the pointer once.
                _generation = null;
                await AppendAsync(item, retried: true, cancellationToken);
                return;
            }

            if (appended.Value.BlobCommittedBlockCount >= CompactAtBlocks)
            {
                await ResetAsync(await ReadAllAsync(cancellationToken), cancellationToken);
            }
        }

        public async ValueTask ResetAsync(IReadOnlyList<LearningEvent> events, CancellationToken cancellationToken = default)
        {
            await store.EnsureContainerAsync(cancellationToken);
            if (events.Count == 0)
            {
                await Pointer.DeleteIfExistsAsync(cancellationToken: cancellationToken);
                _generation = null;
                await DeleteGenerationsExceptAsync(null, cancellationToken);
                return;
            }

            await WriteGenerationAsync([.. events.Select(store.Record)], cancellationToken);
        }

        public void Dispose()
        {
        }

        private async Task<AppendBlobClient?> CurrentAsync(CancellationToken cancellationToken)
        {
            try
            {
                var pointer = await Pointer.DownloadContentAsync(cancellationToken);
                return store.Container.GetAppendBlobClient(prefix + pointer.Value.Content.ToString());
            }
            catch (RequestFailedException e) when (e.Status == 404)
            {
                return null;
            }
        }

        /// <summary>A new generation holding <paramref name="records"/>, made live by one pointer write.</summary>
        private async Task WriteGenerationAsync(IReadOnlyList<byte[]> records, CancellationToken cancellationToken)
        {
            await store.EnsureContainerAsync(cancellationToken);
            // Sortable and unique: a later generation never reuses an earlier name, so a stale reader gets 404, not other data.
            var name = $"{DateTime.UtcNow:yyyyMMddHHmmssfffffff}-{Guid.NewGuid():N}.log";
            var blob = store.Container.GetAppendBlobClient(prefix + name);
            await blob.CreateAsync(new AppendBlobCreateOptions { Conditions = new AppendBlobRequestConditions { IfNoneMatch = ETag.All } }, cancellationToken);
            foreach (var block in Blocks(records))
            {
                await blob.AppendBlockAsync(new MemoryStream(block, writable: false), cancellationToken: cancellationToken);
            }

            await Pointer.UploadAsync(BinaryData.FromString(name), overwrite: true, cancellationToken);
            _generation = blob;
            await DeleteGenerationsExceptAsync(name, cancellationToken);
        }

        private async Task DeleteGenerationsExceptAsync(string? live, CancellationToken cancellationToken)
        {
            await foreach (var item in store.Container.GetBlobsAsync(new GetBlobsOptions { Prefix = prefix }, cancellationToken))
            {
                var name = item.Name[prefix.Length..];
                if (name.EndsWith(".log", StringComparison.Ordinal) && !string.Equals(name, live, StringComparison.Ordinal))
                {
                    await store.Container.DeleteBlobIfExistsAsync(item.Name, cancellationToken: cancellationToken);
                }
            }
        }

        private static IEnumerable<byte[]> Blocks(IReadOnlyList<byte[]> records)
        {
            var block = new MemoryStream();
            foreach (var record in records)
            {
                if (block.Length > 0 && block.Length + record.Length > MaxBlockBytes)
                {
                    yield return block.ToArray();
                    block.SetLength(0);
                }

                block.Write(record);
            }

            if (block.Length > 0)
            {
                yield return block.ToArray();
            }
        }
    }
}
