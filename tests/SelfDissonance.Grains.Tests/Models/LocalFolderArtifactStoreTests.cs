using System.Security.Cryptography;
using Microsoft.Extensions.Logging.Abstractions;
using SelfDissonance.Models;

namespace SelfDissonance.Grains.Tests.Models;

public sealed class LocalFolderArtifactStoreTests : IDisposable
{
    // The store's folder sits inside a private parent, so a key escaping it would land somewhere the test can see.
    private readonly string _parent = Directory.CreateDirectory(Path.Combine(Path.GetTempPath(), $"sd-artifacts-{Guid.NewGuid():N}")).FullName;
    private readonly string _root;
    private readonly LocalFolderArtifactStore _store;

    public LocalFolderArtifactStoreTests()
    {
        _root = Path.Combine(_parent, "store");
        _store = new LocalFolderArtifactStore(_root, NullLogger<LocalFolderArtifactStore>.Instance);
    }

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public void Dispose()
    {
        if (Directory.Exists(_parent))
        {
            Directory.Delete(_parent, recursive: true);
        }
    }

    [Fact]
    public async Task Put_then_get_round_trips_the_bytes()
    {
        byte[] content = [1, 2, 3, 250];

        var artifact = await _store.PutAsync("tasks/t1/models/proposer/a.zip", content, Ct);
        var read = await _store.GetVerifiedAsync(artifact, Ct);

        Assert.Equal(content, read);
        Assert.Equal("tasks/t1/models/proposer/a.zip", artifact.Key);
        Assert.Equal(content.Length, artifact.Bytes);
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(content)), artifact.Sha256);
        Assert.True(await _store.ExistsAsync(artifact.Key, Ct));
    }

    [Fact]
    public async Task A_key_never_written_does_not_exist()
    {
        Assert.False(await _store.ExistsAsync("tasks/t1/nothing.json", Ct));
    }

    [Fact]
    public async Task Putting_the_same_bytes_again_returns_the_same_reference()
    {
        byte[] content = [9, 8, 7];

        var first = await _store.PutAsync("k/same.bin", content, Ct);
        var second = await _store.PutAsync("k/same.bin", content.ToArray(), Ct);

        Assert.Equal(first, second);
    }

    [Fact]
    public async Task Putting_different_bytes_under_an_existing_key_throws_and_keeps_the_original()
    {
        byte[] original = [1, 1, 1];
        var artifact = await _store.PutAsync("k/conflict.bin", original, Ct);

        var ex = await Assert.ThrowsAsync<ArtifactConflictException>(() => _store.PutAsync("k/conflict.bin", new byte[] { 2, 2, 2 }, Ct));

        Assert.Equal("k/conflict.bin", ex.Key);
        Assert.Equal(original, await _store.GetVerifiedAsync(artifact, Ct));
        Assert.Equal(original, await File.ReadAllBytesAsync(Path.Combine(_root, "k", "conflict.bin"), Ct));
    }

    [Fact]
    public async Task A_tampered_file_fails_verification()
    {
        var artifact = await _store.PutAsync("k/tampered.bin", new byte[] { 10, 20, 30 }, Ct);
        var path = Path.Combine(_root, "k", "tampered.bin");
        MakeWritable(path);
        var bytes = await File.ReadAllBytesAsync(path, Ct);
        bytes[1] ^= 0xFF;
        await File.WriteAllBytesAsync(path, bytes, Ct);

        var ex = await Assert.ThrowsAsync<ArtifactIntegrityException>(() => _store.GetVerifiedAsync(artifact, Ct));

        Assert.Equal(artifact.Sha256, ex.Expected);
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(bytes)), ex.Actual);
    }

    [Fact]
    public async Task A_reference_with_the_wrong_hash_fails_verification()
    {
        var artifact = await _store.PutAsync("k/hash.bin", new byte[] { 1 }, Ct);

        await Assert.ThrowsAsync<ArtifactIntegrityException>(
            () => _store.GetVerifiedAsync(artifact with { Sha256 = Convert.ToHexStringLower(SHA256.HashData(new byte[] { 2 })) }, Ct));
    }

    [Fact]
    public async Task A_missing_file_fails_verification()
    {
        var artifact = new ArtifactRef("k/missing.bin", Convert.ToHexStringLower(SHA256.HashData(new byte[] { 1 })), 1);

        await Assert.ThrowsAsync<ArtifactIntegrityException>(() => _store.GetVerifiedAsync(artifact, Ct));
    }

    [Fact]
    public async Task Stored_files_are_read_only()
    {
        await _store.PutAsync("k/ro.bin", new byte[] { 1 }, Ct);

        var path = Path.Combine(_root, "k", "ro.bin");

        // The store sets Unix permissions only (the service runs on Linux); on Windows there is nothing to check.
        if (!OperatingSystem.IsWindows())
        {
            Assert.Equal(UnixFileMode.None, File.GetUnixFileMode(path) & (UnixFileMode.UserWrite | UnixFileMode.GroupWrite | UnixFileMode.OtherWrite));
        }
    }

    [Theory]
    [InlineData("../x")]
    [InlineData("k/../../x")]
    [InlineData("k/./x")]
    [InlineData("/etc/passwd")]
    [InlineData("k\\x")]
    [InlineData("")]
    public async Task Keys_that_could_escape_the_folder_are_refused(string key)
    {
        Assert.False(ArtifactKeys.IsValid(key));
        await Assert.ThrowsAsync<ArgumentException>(() => _store.PutAsync(key, new byte[] { 1 }, Ct));
        await Assert.ThrowsAsync<ArgumentException>(() => _store.GetVerifiedAsync(new ArtifactRef(key, "00", 1), Ct));
        Assert.Empty(Directory.GetFiles(_parent, "*", SearchOption.AllDirectories));
    }

    [Fact]
    public async Task Writes_leave_no_temporary_files()
    {
        await _store.PutAsync("k/clean.bin", new byte[] { 1, 2 }, Ct);

        Assert.Equal(["clean.bin"], Directory.GetFiles(Path.Combine(_root, "k")).Select(Path.GetFileName));
    }

    [Fact]
    public void Artifact_keys_built_by_the_helpers_are_valid()
    {
        var sha = Convert.ToHexStringLower(SHA256.HashData(new byte[] { 1 }));

        Assert.True(ArtifactKeys.IsValid(ArtifactKeys.Model("iris", ModelRole.Proposer, sha)));
        Assert.True(ArtifactKeys.IsValid(ArtifactKeys.Golden("iris", sha)));
        Assert.True(ArtifactKeys.IsValid(ArtifactKeys.Segment("iris", sha)));
    }

    private static void MakeWritable(string path)
    {
        if (OperatingSystem.IsWindows())
        {
            File.SetAttributes(path, FileAttributes.Normal);
        }
        else
        {
            File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        }
    }
}
