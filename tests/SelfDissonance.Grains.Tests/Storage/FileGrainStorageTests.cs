using System.Buffers.Binary;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Orleans.Serialization;
using Orleans.Storage;
using SelfDissonance.Episodes;
using SelfDissonance.Storage;

namespace SelfDissonance.Grains.Tests.Storage;

/// <summary>
/// The embedded profile's durable grain storage: a first write in place, later ones by rename, ETags that refuse a stale
/// or duplicate writer, a torn first write read as absent, and corruption of a later version refused.
/// </summary>
public sealed class FileGrainStorageTests : IDisposable
{
    private static readonly GrainId s_grain = GrainId.Create("episode", "ep-1");
    private readonly string _root = Directory.CreateTempSubdirectory("sd-file-storage-").FullName;
    private readonly ServiceProvider _services = new ServiceCollection().AddSerializer().BuildServiceProvider();
    private readonly FileGrainStorage _storage;

    public FileGrainStorageTests() =>
        _storage = new FileGrainStorage("test", _root, flushToDisk: false, new OrleansGrainStorageSerializer(_services.GetRequiredService<Serializer>()), NullLogger<FileGrainStorage>.Instance);

    public void Dispose()
    {
        _services.Dispose();
        Directory.Delete(_root, recursive: true);
    }

    [Fact]
    public async Task A_first_write_then_later_ones_round_trip_with_growing_etags()
    {
        var state = await ReadAsync();
        Assert.False(state.RecordExists);

        state.State = new EpisodeState { PendingPublish = true };
        await _storage.WriteStateAsync("episode", s_grain, state);
        Assert.Equal("1", state.ETag);
        Assert.Single(Directory.GetFiles(_root, "*", SearchOption.AllDirectories));

        state.State = new EpisodeState { Erased = true };
        await _storage.WriteStateAsync("episode", s_grain, state);
        Assert.Equal("2", state.ETag);

        var read = await ReadAsync();
        Assert.True(read.RecordExists);
        Assert.Equal("2", read.ETag);
        Assert.True(read.State!.Erased);
        Assert.False(read.State!.PendingPublish);
        // The rename left no temporary file behind.
        Assert.Single(Directory.GetFiles(_root, "*", SearchOption.AllDirectories));
    }

    [Fact]
    public async Task A_second_first_writer_and_a_stale_writer_are_refused()
    {
        var first = await ReadAsync();
        var second = await ReadAsync();
        first.State = new EpisodeState { PendingPublish = true };
        await _storage.WriteStateAsync("episode", s_grain, first);

        second.State = new EpisodeState { Erased = true };
        await Assert.ThrowsAsync<InconsistentStateException>(() => _storage.WriteStateAsync("episode", s_grain, second));

        var stale = await ReadAsync();
        first.State = new EpisodeState();
        await _storage.WriteStateAsync("episode", s_grain, first);
        await Assert.ThrowsAsync<InconsistentStateException>(() => _storage.WriteStateAsync("episode", s_grain, stale));
        Assert.False((await ReadAsync()).State!.Erased);
    }

    [Fact]
    public async Task A_torn_first_write_reads_as_absent_and_is_replaced()
    {
        var state = await ReadAsync();
        state.State = new EpisodeState { PendingPublish = true };
        await _storage.WriteStateAsync("episode", s_grain, state);
        var file = Directory.GetFiles(_root, "*.bin", SearchOption.AllDirectories).Single();
        var bytes = await File.ReadAllBytesAsync(file, Ct);
        await File.WriteAllBytesAsync(file, bytes[..(bytes.Length - 2)], Ct);

        var torn = await ReadAsync();
        Assert.False(torn.RecordExists);
        Assert.Null(torn.ETag);

        torn.State = new EpisodeState { Erased = true };
        await _storage.WriteStateAsync("episode", s_grain, torn);
        var read = await ReadAsync();
        Assert.True(read.State!.Erased);
        Assert.Equal("1", read.ETag);
    }

    [Fact]
    public async Task A_corrupted_later_version_fails_instead_of_reading_as_absent()
    {
        var (file, bytes) = await WriteTwiceAsync();
        bytes[^1] ^= 0xFF;
        await File.WriteAllBytesAsync(file, bytes, Ct);

        await Assert.ThrowsAsync<InconsistentStateException>(ReadAsync);
    }

    [Fact]
    public async Task A_file_written_before_the_checksum_is_still_read()
    {
        var (file, bytes) = await WriteTwiceAsync();

        // The earlier layout: [8-byte ETag][state], no flag bit and no CRC.
        var legacy = new byte[bytes.Length - sizeof(uint)];
        BinaryPrimitives.WriteInt64LittleEndian(legacy, 7);
        bytes.AsSpan(sizeof(long) + sizeof(uint)).CopyTo(legacy.AsSpan(sizeof(long)));
        await File.WriteAllBytesAsync(file, legacy, Ct);

        var read = await ReadAsync();
        Assert.True(read.State!.PendingPublish);
        Assert.Equal("7", read.ETag);
        await _storage.WriteStateAsync("episode", s_grain, read);
        Assert.Equal("8", (await ReadAsync()).ETag);
    }

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>A record at its second version (the rename path), and its file's bytes.</summary>
    private async Task<(string File, byte[] Bytes)> WriteTwiceAsync()
    {
        var state = await ReadAsync();
        state.State = new EpisodeState { PendingPublish = true };
        await _storage.WriteStateAsync("episode", s_grain, state);
        await _storage.WriteStateAsync("episode", s_grain, state);
        var file = Directory.GetFiles(_root, "*.bin", SearchOption.AllDirectories).Single();
        return (file, await File.ReadAllBytesAsync(file, Ct));
    }

    private async Task<GrainState<EpisodeState>> ReadAsync()
    {
        var state = new GrainState<EpisodeState>();
        await _storage.ReadStateAsync("episode", s_grain, state);
        return state;
    }
}
