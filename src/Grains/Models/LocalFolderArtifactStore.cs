using System.Security.Cryptography;
using Microsoft.Extensions.Logging;

namespace SelfDissonance.Models;

/// <summary>
/// Artifacts as read-only files under a folder (the embedded default uses .data/artifacts). A write goes to a temporary
/// file that is then moved into place without overwrite, so a key is never replaced and readers never see half a file.
/// </summary>
public sealed partial class LocalFolderArtifactStore(string root, ILogger<LocalFolderArtifactStore> logger) : IArtifactStore
{
    private readonly string _root = Path.GetFullPath(root);

    public async Task<ArtifactRef> PutAsync(string key, ReadOnlyMemory<byte> content, CancellationToken cancellationToken = default)
    {
        var path = PathOf(key);
        var sha = Convert.ToHexStringLower(SHA256.HashData(content.Span));
        var artifact = new ArtifactRef(key, sha, content.Length);
        if (File.Exists(path))
        {
            return await SameContentOrThrowAsync(artifact, path, cancellationToken);
        }

        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        var temp = $"{path}.{Guid.NewGuid():N}.tmp";
        try
        {
            await using (var stream = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None, 81920, FileOptions.Asynchronous))
            {
                await stream.WriteAsync(content, cancellationToken);
                await stream.FlushAsync(cancellationToken);
                stream.Flush(flushToDisk: true);
            }

            if (!OperatingSystem.IsWindows())
            {
                File.SetUnixFileMode(temp, UnixFileMode.UserRead | UnixFileMode.GroupRead | UnixFileMode.OtherRead);
            }

            File.Move(temp, path, overwrite: false);
        }
        catch (IOException) when (File.Exists(path))
        {
            // Another writer won the race; the key holds whatever it wrote.
            return await SameContentOrThrowAsync(artifact, path, cancellationToken);
        }
        finally
        {
            if (File.Exists(temp))
            {
                File.Delete(temp);
            }
        }

        LogStored(logger, key, content.Length, sha);
        return artifact;
    }

    public async Task<byte[]> GetVerifiedAsync(ArtifactRef artifact, CancellationToken cancellationToken = default)
    {
        var path = PathOf(artifact.Key);
        byte[] bytes;
        try
        {
            bytes = await File.ReadAllBytesAsync(path, cancellationToken);
        }
        catch (FileNotFoundException)
        {
            throw new ArtifactIntegrityException(artifact.Key, artifact.Sha256, "(missing)");
        }
        catch (DirectoryNotFoundException)
        {
            throw new ArtifactIntegrityException(artifact.Key, artifact.Sha256, "(missing)");
        }

        var actual = Convert.ToHexStringLower(SHA256.HashData(bytes));
        if (!string.Equals(actual, artifact.Sha256, StringComparison.Ordinal))
        {
            LogIntegrityFailure(logger, artifact.Key, artifact.Sha256, actual);
            throw new ArtifactIntegrityException(artifact.Key, artifact.Sha256, actual);
        }

        return bytes;
    }

    public Task<bool> ExistsAsync(string key, CancellationToken cancellationToken = default) => Task.FromResult(File.Exists(PathOf(key)));

    public Task DeleteAsync(string key, CancellationToken cancellationToken = default)
    {
        // Files are read-only, but removing one needs only write access to its folder.
        File.Delete(PathOf(key));
        return Task.CompletedTask;
    }

    public string Describe() => $"local folder {_root}";

    private async Task<ArtifactRef> SameContentOrThrowAsync(ArtifactRef artifact, string path, CancellationToken cancellationToken)
    {
        var existing = await File.ReadAllBytesAsync(path, cancellationToken);
        var sha = Convert.ToHexStringLower(SHA256.HashData(existing));
        return sha == artifact.Sha256 ? artifact : throw new ArtifactConflictException(artifact.Key);
    }

    private string PathOf(string key)
    {
        if (!ArtifactKeys.IsValid(key))
        {
            throw new ArgumentException($"'{key}' is not a valid artifact key.", nameof(key));
        }

        var path = Path.GetFullPath(Path.Combine(_root, key));
        return path.StartsWith(_root + Path.DirectorySeparatorChar, StringComparison.Ordinal)
            ? path
            : throw new ArgumentException($"'{key}' escapes the artifact folder.", nameof(key));
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Stored artifact {Key} ({Bytes} bytes, sha256 {Sha256})")]
    private static partial void LogStored(ILogger logger, string key, long bytes, string sha256);

    [LoggerMessage(Level = LogLevel.Error, Message = "Artifact {Key} failed its integrity check: expected sha256 {Expected}, found {Actual}; refused")]
    private static partial void LogIntegrityFailure(ILogger logger, string key, string expected, string actual);
}
