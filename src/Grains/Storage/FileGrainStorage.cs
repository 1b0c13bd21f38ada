using System.Buffers.Binary;
using System.Collections.Concurrent;
using System.Globalization;
using System.IO.Hashing;
using System.Text;
using Microsoft.Extensions.Logging;
using Microsoft.Win32.SafeHandles;
using Orleans.Storage;

namespace SelfDissonance.Storage;

/// <summary>
/// Grain state as one file per grain under a folder: the embedded default's durable storage, so tasks, policies, the
/// registry and episode records survive a silo restart with no external service. Written by hand because the package
/// source has no file-system grain storage. Each file is [8-byte ETag][4-byte CRC-32 of the state][Orleans-serialized
/// state]. A first write creates the file in place (create-new fails if another writer got there first); a later write
/// replaces it atomically (temporary file, then rename). A write whose ETag does not match the file fails like any
/// Orleans storage. Files from before the CRC (no flag bit in the ETag) are still read.
/// </summary>
public sealed partial class FileGrainStorage(string name, string root, bool flushToDisk, IGrainStorageSerializer serializer, ILogger<FileGrainStorage> logger) : IGrainStorage
{
    /// <summary>Set in the stored ETag word when a CRC-32 of the state follows it.</summary>
    private const long ChecksumFlag = 1L << 62;
    private const int ChecksummedHeader = sizeof(long) + sizeof(uint);

    private readonly string _root = Path.GetFullPath(root);
    private readonly ConcurrentDictionary<string, bool> _folders = new(StringComparer.Ordinal);

    public Task ReadStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        // Synchronous on purpose: state files are small, and async file I/O on Linux is a thread-pool hop per call
        // (a profile under load showed it, and a FileNotFoundException per new episode, among the largest costs).
        var path = PathOf(stateName, grainId);
        if (!TryReadAllBytes(path, out var bytes) || !TryParse(path, bytes, out var etag, out var payload))
        {
            grainState.State = Activator.CreateInstance<T>();
            grainState.ETag = null;
            grainState.RecordExists = false;
            return Task.CompletedTask;
        }

        grainState.State = serializer.Deserialize<T>(new BinaryData(payload));
        grainState.ETag = etag.ToString(CultureInfo.InvariantCulture);
        grainState.RecordExists = true;
        return Task.CompletedTask;
    }

    public Task WriteStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        var path = PathOf(stateName, grainId);
        var payload = serializer.Serialize(grainState.State).ToMemory();
        EnsureFolder(path);
        if (grainState.ETag is null)
        {
            // Most writes are an episode's first and only one: no stat, no temporary file, no rename. A crash part-way
            // leaves a short or mismatched file with ETag 1, which reads as absent: that write was never acknowledged.
            WriteFirst(path, grainId, payload);
            grainState.ETag = "1";
            grainState.RecordExists = true;
            return Task.CompletedTask;
        }

        var current = CurrentETag(path);
        if (current != grainState.ETag)
        {
            throw new InconsistentStateException($"ETag mismatch writing {grainId} to storage '{name}'.", current ?? "(none)", grainState.ETag);
        }

        var next = long.Parse(current, CultureInfo.InvariantCulture) + 1;
        var temp = $"{path}.{Guid.NewGuid():N}.tmp";
        using (var handle = File.OpenHandle(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None))
        {
            Write(handle, next, payload);
        }

        File.Move(temp, path, overwrite: true);
        grainState.ETag = next.ToString(CultureInfo.InvariantCulture);
        grainState.RecordExists = true;
        return Task.CompletedTask;
    }

    public Task ClearStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        var path = PathOf(stateName, grainId);
        if (File.Exists(path))
        {
            File.Delete(path);
            LogCleared(logger, grainId.ToString(), name);
        }

        grainState.ETag = null;
        grainState.RecordExists = false;
        grainState.State = Activator.CreateInstance<T>();
        return Task.CompletedTask;
    }

    private void WriteFirst(string path, GrainId grainId, ReadOnlyMemory<byte> payload)
    {
        SafeFileHandle handle;
        try
        {
            handle = File.OpenHandle(path, FileMode.CreateNew, FileAccess.Write, FileShare.None);
        }
        catch (IOException) when (File.Exists(path))
        {
            if (TryReadAllBytes(path, out var bytes) && TryParse(path, bytes, out var existing, out _))
            {
                throw new InconsistentStateException($"ETag mismatch writing {grainId} to storage '{name}'.", existing.ToString(CultureInfo.InvariantCulture), "(none)");
            }

            // The torn remains of a first write that never completed: it was never acknowledged, so it is replaced.
            LogTornFile(logger, path, name);
            File.Delete(path);
            handle = File.OpenHandle(path, FileMode.CreateNew, FileAccess.Write, FileShare.None);
        }

        using (handle)
        {
            Write(handle, 1, payload);
        }
    }

    private void Write(SafeFileHandle handle, long etag, ReadOnlyMemory<byte> payload)
    {
        var header = new byte[ChecksummedHeader];
        BinaryPrimitives.WriteInt64LittleEndian(header, etag | ChecksumFlag);
        BinaryPrimitives.WriteUInt32LittleEndian(header.AsSpan(sizeof(long)), Crc32.HashToUInt32(payload.Span));
        RandomAccess.Write(handle, [header, payload], 0);
        if (flushToDisk)
        {
            RandomAccess.FlushToDisk(handle);
        }
    }

    /// <summary>
    /// A stored file's ETag and state. False for a torn first write (too short, or its CRC does not match, with ETag 1).
    /// A later version's file is replaced by rename, never torn: if that does not check out, it is corruption, and fails.
    /// </summary>
    private bool TryParse(string path, byte[] bytes, out long etag, out ReadOnlyMemory<byte> payload)
    {
        etag = bytes.Length >= sizeof(long) ? BinaryPrimitives.ReadInt64LittleEndian(bytes) : 0;
        var checksummed = (etag & ChecksumFlag) != 0;
        etag &= ~ChecksumFlag;
        payload = default;
        if (bytes.Length < sizeof(long) || (checksummed && bytes.Length < ChecksummedHeader))
        {
            return etag <= 1 ? Torn(path) : throw Truncated(path);
        }

        if (!checksummed)
        {
            payload = bytes.AsMemory(sizeof(long));
            return true;
        }

        payload = bytes.AsMemory(ChecksummedHeader);
        if (Crc32.HashToUInt32(payload.Span) == BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(sizeof(long))))
        {
            return true;
        }

        return etag == 1 ? Torn(path) : throw new InconsistentStateException($"Grain state file {path} of storage '{name}' fails its checksum.");
    }

    private bool Torn(string path)
    {
        LogTornFile(logger, path, name);
        return false;
    }

    private InconsistentStateException Truncated(string path) => new($"Grain state file {path} of storage '{name}' is truncated.");

    private void EnsureFolder(string path)
    {
        var folder = Path.GetDirectoryName(path)!;
        if (!_folders.ContainsKey(folder))
        {
            Directory.CreateDirectory(folder);
            _folders.TryAdd(folder, true);
        }
    }

    private static bool TryReadAllBytes(string path, out byte[] bytes)
    {
        // Most reads are of new episodes, whose file does not exist: a stat instead of an exception.
        if (!File.Exists(path))
        {
            bytes = [];
            return false;
        }

        try
        {
            bytes = File.ReadAllBytes(path);
            return true;
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            bytes = [];
            return false;
        }
    }

    private static string? CurrentETag(string path)
    {
        if (!File.Exists(path))
        {
            return null;
        }

        try
        {
            using var handle = File.OpenHandle(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
            Span<byte> header = stackalloc byte[sizeof(long)];
            return RandomAccess.Read(handle, header, 0) == sizeof(long)
                ? (BinaryPrimitives.ReadInt64LittleEndian(header) & ~ChecksumFlag).ToString(CultureInfo.InvariantCulture)
                : throw new InconsistentStateException($"Grain state file {path} is truncated.");
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            return null;
        }
    }

    /// <summary>root/state/grain-type/xx/key: two hex digits of a hash spread millions of episode files over 256 folders.</summary>
    private string PathOf(string stateName, GrainId grainId)
    {
        var key = grainId.Key.ToString();
        var shard = (XxHash32.HashToUInt32(Encoding.UTF8.GetBytes(key)) & 0xFF).ToString("x2", CultureInfo.InvariantCulture);
        return Path.Combine(_root, Safe(stateName), Safe(grainId.Type.ToString()), shard, Safe(key) + ".bin");
    }

    private static string Safe(string segment) => SafeFileName.Encode(segment);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Grain state file {Path} of storage {Storage} is the torn remains of a first write that never completed; read as absent")]
    private static partial void LogTornFile(ILogger logger, string path, string storage);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Cleared state of {Grain} in storage {Storage}")]
    private static partial void LogCleared(ILogger logger, string grain, string storage);
}
