using System.Buffers.Binary;
using System.IO.Hashing;
using Microsoft.Extensions.Logging;
using Microsoft.Win32.SafeHandles;
using Orleans.Serialization;

namespace SelfDissonance.Learning.Journal;

/// <summary>
/// A task's journal as one append-only file of records <c>[int32 length][uint32 CRC-32 of the payload][Orleans-serialized
/// LearningEvent]</c> (little-endian). The handle stays open for the activation's life; an append is one positioned write
/// (plus an fsync when <c>FlushStateToDisk</c> is set), so it survives a process kill once it returns. Opening the file
/// drops a torn or corrupt tail: a crash mid-append, whose event was never acknowledged. A reset writes a temporary
/// file and renames it over the journal, so a crash leaves either the old journal or the new one.
/// </summary>
public sealed partial class FileLearnerJournal(string path, bool flushToDisk, Serializer serializer, ILogger<FileLearnerJournal> logger) : ILearnerJournal
{
    private const int HeaderSize = sizeof(int) + sizeof(uint);

    /// <summary>Far above any event; a larger length is corruption, not a record.</summary>
    private const int MaxRecordBytes = 16 << 20;

    private SafeFileHandle? _handle;
    private long _length;

    /// <summary>Where the journal lives.</summary>
    public string FilePath => path;

    public ValueTask<IReadOnlyList<LearningEvent>> ReadAllAsync(CancellationToken cancellationToken = default)
    {
        Close();
        DeleteStaleTemporaryFiles();
        // Reading creates nothing: the first append does.
        return ValueTask.FromResult<IReadOnlyList<LearningEvent>>(File.Exists(path) ? OpenAndScan() : []);
    }

    public ValueTask AppendAsync(LearningEvent item, CancellationToken cancellationToken = default)
    {
        var payload = serializer.SerializeToArray(item);
        var header = Header(payload);
        if (_handle is null)
        {
            OpenAndScan();
        }

        var handle = _handle!;
        try
        {
            RandomAccess.Write(handle, [header, payload], _length);
            if (flushToDisk)
            {
                RandomAccess.FlushToDisk(handle);
            }
        }
        catch
        {
            // The next append reopens the file, which drops a partial record first instead of writing after it
            // (this event is not acknowledged: the exception reaches the caller).
            Close();
            throw;
        }

        _length += HeaderSize + payload.Length;
        return ValueTask.CompletedTask;
    }

    public ValueTask ResetAsync(IReadOnlyList<LearningEvent> events, CancellationToken cancellationToken = default)
    {
        Close();
        if (events.Count == 0)
        {
            File.Delete(path);
            return ValueTask.CompletedTask;
        }

        var buffers = new List<ReadOnlyMemory<byte>>(events.Count * 2);
        foreach (var e in events)
        {
            var payload = serializer.SerializeToArray(e);
            buffers.Add(Header(payload));
            buffers.Add(payload);
        }

        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        var temp = $"{path}.{Guid.NewGuid():N}.tmp";
        using (var handle = File.OpenHandle(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None))
        {
            RandomAccess.Write(handle, buffers, 0);
            if (flushToDisk)
            {
                RandomAccess.FlushToDisk(handle);
            }
        }

        File.Move(temp, path, overwrite: true);
        return ValueTask.CompletedTask;
    }

    public void Dispose() => Close();

    private static byte[] Header(byte[] payload)
    {
        var header = new byte[HeaderSize];
        BinaryPrimitives.WriteInt32LittleEndian(header, payload.Length);
        BinaryPrimitives.WriteUInt32LittleEndian(header.AsSpan(sizeof(int)), Crc32.HashToUInt32(payload));
        return header;
    }

    /// <summary>Opens (creating) the file, reads every whole record and truncates whatever follows the last one.</summary>
    private List<LearningEvent> OpenAndScan()
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        var handle = File.OpenHandle(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.Read | FileShare.Delete);
        try
        {
            var length = RandomAccess.GetLength(handle);
            if (length > int.MaxValue)
            {
                throw new InvalidDataException($"Learner journal {path} is {length} bytes: not a journal.");
            }

            var bytes = new byte[length];
            var read = 0;
            while (read < bytes.Length)
            {
                var n = RandomAccess.Read(handle, bytes.AsSpan(read), read);
                if (n == 0)
                {
                    break;
                }

                read += n;
            }

            var events = new List<LearningEvent>();
            var valid = 0;
            while (TryRecord(bytes.AsSpan(valid, read - valid), out var payload))
            {
                events.Add(serializer.Deserialize<LearningEvent>(payload) ?? throw new InvalidDataException($"Learner journal {path} holds a null event."));
                valid += HeaderSize + payload.Length;
            }

            if (valid < length)
            {
                LogTornTail(logger, path, length - valid, events.Count);
                RandomAccess.SetLength(handle, valid);
                if (flushToDisk)
                {
                    RandomAccess.FlushToDisk(handle);
                }
            }

            _handle = handle;
            _length = valid;
            return events;
        }
        catch
        {
            handle.Dispose();
            throw;
        }
    }

    private static bool TryRecord(ReadOnlySpan<byte> rest, out ReadOnlySpan<byte> payload)
    {
        payload = default;
        if (rest.Length < HeaderSize)
        {
            return false;
        }

        var length = BinaryPrimitives.ReadInt32LittleEndian(rest);
        if (length <= 0 || length > MaxRecordBytes || length > rest.Length - HeaderSize)
        {
            return false;
        }

        var candidate = rest.Slice(HeaderSize, length);
        if (Crc32.HashToUInt32(candidate) != BinaryPrimitives.ReadUInt32LittleEndian(rest[sizeof(int)..]))
        {
            return false;
        }

        payload = candidate;
        return true;
    }

    /// <summary>A crash between writing a reset's temporary file and renaming it leaves the file behind; the journal itself is whole.</summary>
    private void DeleteStaleTemporaryFiles()
    {
        var folder = Path.GetDirectoryName(path)!;
        if (!Directory.Exists(folder))
        {
            return;
        }

        foreach (var temp in Directory.EnumerateFiles(folder, Path.GetFileName(path) + ".*.tmp"))
        {
            File.Delete(temp);
        }
    }

    private void Close()
    {
        _handle?.Dispose();
        _handle = null;
        _length = 0;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Learner journal {Path}: dropped a torn tail of {Bytes} bytes after {Events} whole events (a crash mid-append; that event was never acknowledged)")]
    private static partial void LogTornTail(ILogger logger, string path, long bytes, int events);
}
