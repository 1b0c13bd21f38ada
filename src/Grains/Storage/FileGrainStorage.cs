using System.Buffers.Binary;
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

    public async Task ReadStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        var path = PathOf(stateName, grainId);
        byte[] bytes;
        try
        {
            bytes = await File.ReadAllBytesAsync(path);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            grainState.State = Activator.CreateInstance<T>();
            grainState.ETag = null;
            grainState.RecordExists = false;
            return;
        }

        if (bytes.Length < sizeof(long))
        {
            throw new InconsistentStateException($"Grain state file {path} of storage '{name}' is truncated.");
        }

        grainState.State = serializer.Deserialize<T>(new BinaryData(bytes.AsMemory(sizeof(long))));
        grainState.ETag = BinaryPrimitives.ReadInt64LittleEndian(bytes).ToString(CultureInfo.InvariantCulture);
        grainState.RecordExists = true;
    }

    public async Task WriteStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        var path = PathOf(stateName, grainId);
        var current = await CurrentETagAsync(path);
        if (current != grainState.ETag)
        {
            throw new InconsistentStateException($"ETag mismatch writing {grainId} to storage '{name}'.", current ?? "(none)", grainState.ETag ?? "(none)");
        }

        var next = (current is null ? 0 : long.Parse(current, CultureInfo.InvariantCulture)) + 1;
        var payload = serializer.Serialize(grainState.State).ToMemory();
        var bytes = new byte[sizeof(long) + payload.Length];
        BinaryPrimitives.WriteInt64LittleEndian(bytes, next);
        payload.Span.CopyTo(bytes.AsSpan(sizeof(long)));

        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        var temp = $"{path}.{Guid.NewGuid():N}.tmp";
        await using (var stream = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None, 4096, FileOptions.Asynchronous))
        {
            await stream.WriteAsync(bytes);
            if (flushToDisk)
            {
                stream.Flush(flushToDisk: true);
            }
        }

        File.Move(temp, path, overwrite: true);
        grainState.ETag = next.ToString(CultureInfo.InvariantCulture);
        grainState.RecordExists = true;
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

    private static async Task<string?> CurrentETagAsync(string path)
    {
        try
        {
            await using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, 64, FileOptions.Asynchronous);
            var header = new byte[sizeof(long)];
            await stream.ReadExactlyAsync(header);
            return BinaryPrimitives.ReadInt64LittleEndian(header).ToString(CultureInfo.InvariantCulture);
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

    /// <summary>A reversible file-name encoding: '_' and everything URI-unsafe (including '/') become _XX escapes.</summary>
    private static string Safe(string segment)
    {
        var escaped = Uri.EscapeDataString(segment).Replace("_", "%5F", StringComparison.Ordinal).Replace('%', '_');
        return escaped is "." or ".." ? escaped.Replace(".", "_2E", StringComparison.Ordinal) : escaped;
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Cleared state of {Grain} in storage {Storage}")]
    private static partial void LogCleared(ILogger logger, string grain, string storage);
}
