using System.Buffers.Binary;
using System.Collections.Concurrent;
using System.Globalization;
using System.IO.Hashing;
using System.Text;
using Microsoft.Extensions.Logging;
using Orleans.Storage;

namespace SelfDissonance.Storage;

/// <summary>
/// Grain state as one file per grain under a folder: the embedded default's durable storage, so tasks, policies, the
/// registry and episode records survive a silo restart with no external service. Written by hand because the package
/// source has no file-system grain storage. Each file is [8-byte ETag][Orleans-serialized state], replaced atomically
/// (write to a temporary file, then rename); a write whose ETag does not match the file fails like any Orleans storage.
/// </summary>
public sealed partial class FileGrainStorage(string name, string root, bool flushToDisk, IGrainStorageSerializer serializer, ILogger<FileGrainStorage> logger) : IGrainStorage
{
    private readonly string _root = Path.GetFullPath(root);
    private readonly ConcurrentDictionary<string, bool> _folders = new(StringComparer.Ordinal);

    public Task ReadStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        // Synchronous on purpose: state files are small, and async file I/O on Linux is a thread-pool hop per call
        // (a profile under load showed it, and a FileNotFoundException per new episode, among the largest costs).
        var path = PathOf(stateName, grainId);
        if (!TryReadAllBytes(path, out var bytes))
        {
            grainState.State = Activator.CreateInstance<T>();
            grainState.ETag = null;
            grainState.RecordExists = false;
            return Task.CompletedTask;
        }

        if (bytes.Length < sizeof(long))
        {
            throw new InconsistentStateException($"Grain state file {path} of storage '{name}' is truncated.");
        }

        grainState.State = serializer.Deserialize<T>(new BinaryData(bytes.AsMemory(sizeof(long))));
        grainState.ETag = BinaryPrimitives.ReadInt64LittleEndian(bytes).ToString(CultureInfo.InvariantCulture);
        grainState.RecordExists = true;
        return Task.CompletedTask;
    }

    public Task WriteStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        var path = PathOf(stateName, grainId);
        var current = CurrentETag(path);
        if (current != grainState.ETag)
        {
            throw new InconsistentStateException($"ETag mismatch writing {grainId} to storage '{name}'.", current ?? "(none)", grainState.ETag ?? "(none)");
        }

        var next = (current is null ? 0 : long.Parse(current, CultureInfo.InvariantCulture)) + 1;
        var payload = serializer.Serialize(grainState.State).ToMemory();
        var header = new byte[sizeof(long)];
        BinaryPrimitives.WriteInt64LittleEndian(header, next);

        var folder = Path.GetDirectoryName(path)!;
        if (!_folders.ContainsKey(folder))
        {
            Directory.CreateDirectory(folder);
            _folders.TryAdd(folder, true);
        }

        var temp = $"{path}.{Guid.NewGuid():N}.tmp";
        using (var handle = File.OpenHandle(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None))
        {
            RandomAccess.Write(handle, [header, payload], 0);
            if (flushToDisk)
            {
                RandomAccess.FlushToDisk(handle);
            }
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
                ? BinaryPrimitives.ReadInt64LittleEndian(header).ToString(CultureInfo.InvariantCulture)
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

    [LoggerMessage(Level = LogLevel.Debug, Message = "Cleared state of {Grain} in storage {Storage}")]
    private static partial void LogCleared(ILogger logger, string grain, string storage);
}
