using System.Buffers.Binary;
using System.Collections.Immutable;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Orleans.Serialization;
using SelfDissonance.Learning;
using SelfDissonance.Learning.Journal;

namespace SelfDissonance.Grains.Tests.Learning.Journal;

public sealed class FileLearnerJournalTests : IDisposable
{
    private static readonly Serializer s_serializer = new ServiceCollection()
        .AddSerializer(b => b.AddAssembly(typeof(LearningEvent).Assembly))
        .BuildServiceProvider()
        .GetRequiredService<Serializer>();

    private readonly string _parent = Directory.CreateDirectory(Path.Combine(Path.GetTempPath(), $"sd-journal-{Guid.NewGuid():N}")).FullName;
    private readonly FileLearnerJournalStore _store;

    public FileLearnerJournalTests() =>
        _store = new FileLearnerJournalStore(Path.Combine(_parent, "journal"), flushToDisk: true, s_serializer, NullLogger<FileLearnerJournal>.Instance);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public void Dispose() => Directory.Delete(_parent, recursive: true);

    [Fact]
    public async Task Appended_events_read_back_in_order_with_every_field()
    {
        LearningEvent[] events = [Event("e1", label: 1, trace: "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01"), Event("e2"), Event("e2", LearningEventKind.Feedback, label: 0)];
        using (var journal = _store.Open("t1"))
        {
            foreach (var e in events)
            {
                await journal.AppendAsync(e, Ct);
            }
        }

        using var reopened = _store.Open("t1");
        var read = await reopened.ReadAllAsync(Ct);

        Assert.Equal(events.Length, read.Count);
        for (var i = 0; i < events.Length; i++)
        {
            AssertSame(events[i], read[i]);
        }
    }

    [Fact]
    public async Task An_acknowledged_append_is_readable_while_the_writer_still_holds_the_file()
    {
        // A silo killed after the ack never disposes its journal: the next activation reads the file as it is.
        var writer = _store.Open("t1");
        await writer.AppendAsync(Event("e1"), Ct);
        await writer.AppendAsync(Event("e2"), Ct);

        using var next = _store.Open("t1");
        var read = await next.ReadAllAsync(Ct);

        Assert.Equal(["e1", "e2"], read.Select(e => e.EpisodeId));
        writer.Dispose();
    }

    [Fact]
    public async Task Appends_after_a_reopen_continue_the_journal()
    {
        using (var first = _store.Open("t1"))
        {
            await first.AppendAsync(Event("e1"), Ct);
        }

        using (var second = _store.Open("t1"))
        {
            Assert.Single(await second.ReadAllAsync(Ct));
            await second.AppendAsync(Event("e2"), Ct);
        }

        using var third = _store.Open("t1");
        Assert.Equal(["e1", "e2"], (await third.ReadAllAsync(Ct)).Select(e => e.EpisodeId));
    }

    [Fact]
    public async Task A_torn_tail_is_dropped_and_truncated_and_later_appends_follow_the_last_whole_record()
    {
        using (var journal = _store.Open("t1"))
        {
            await journal.AppendAsync(Event("e1"), Ct);
            await journal.AppendAsync(Event("e2"), Ct);
        }

        var path = _store.PathOf("t1");
        var whole = new FileInfo(path).Length;
        // A crash mid-append: the header of a 400-byte record and 10 bytes of it.
        var torn = new byte[8 + 10];
        BinaryPrimitives.WriteInt32LittleEndian(torn, 400);
        await AppendBytesAsync(path, torn);

        using (var journal = _store.Open("t1"))
        {
            Assert.Equal(["e1", "e2"], (await journal.ReadAllAsync(Ct)).Select(e => e.EpisodeId));
            Assert.Equal(whole, new FileInfo(path).Length);
            await journal.AppendAsync(Event("e3"), Ct);
        }

        using var reopened = _store.Open("t1");
        Assert.Equal(["e1", "e2", "e3"], (await reopened.ReadAllAsync(Ct)).Select(e => e.EpisodeId));
    }

    [Fact]
    public async Task A_last_record_whose_checksum_does_not_match_is_dropped()
    {
        using (var journal = _store.Open("t1"))
        {
            await journal.AppendAsync(Event("e1"), Ct);
        }

        var path = _store.PathOf("t1");
        var afterFirst = new FileInfo(path).Length;
        using (var journal = _store.Open("t1"))
        {
            await journal.ReadAllAsync(Ct);
            await journal.AppendAsync(Event("e2"), Ct);
        }

        var bytes = await File.ReadAllBytesAsync(path, Ct);
        bytes[^1] ^= 0xFF;
        await File.WriteAllBytesAsync(path, bytes, Ct);

        using var reopened = _store.Open("t1");
        Assert.Equal(["e1"], (await reopened.ReadAllAsync(Ct)).Select(e => e.EpisodeId));
        Assert.Equal(afterFirst, new FileInfo(path).Length);
    }

    [Fact]
    public async Task Reset_replaces_the_journal_with_the_remaining_events_and_leaves_no_temporary_file()
    {
        using (var journal = _store.Open("t1"))
        {
            await journal.AppendAsync(Event("e1"), Ct);
            await journal.AppendAsync(Event("e2"), Ct);
            await journal.AppendAsync(Event("e3"), Ct);
            await journal.ResetAsync([Event("e1"), Event("e3")], Ct);
            await journal.AppendAsync(Event("e4"), Ct);
        }

        using var reopened = _store.Open("t1");
        Assert.Equal(["e1", "e3", "e4"], (await reopened.ReadAllAsync(Ct)).Select(e => e.EpisodeId));
        Assert.Equal([Path.GetFileName(_store.PathOf("t1"))], Directory.GetFiles(Path.GetDirectoryName(_store.PathOf("t1"))!).Select(Path.GetFileName));
    }

    [Fact]
    public async Task Reset_to_nothing_empties_the_journal()
    {
        using (var journal = _store.Open("t1"))
        {
            await journal.AppendAsync(Event("e1"), Ct);
            await journal.ResetAsync([], Ct);
        }

        using (var reopened = _store.Open("t1"))
        {
            Assert.Empty(await reopened.ReadAllAsync(Ct));
            await reopened.AppendAsync(Event("e2"), Ct);
        }

        using var last = _store.Open("t1");
        Assert.Equal(["e2"], (await last.ReadAllAsync(Ct)).Select(e => e.EpisodeId));
    }

    [Fact]
    public async Task A_reset_interrupted_before_its_rename_leaves_the_old_journal_whole_and_its_temporary_file_is_removed()
    {
        using (var journal = _store.Open("t1"))
        {
            await journal.AppendAsync(Event("e1"), Ct);
            await journal.AppendAsync(Event("e2"), Ct);
        }

        // What a crash between writing the reset's temporary file and renaming it leaves behind.
        var path = _store.PathOf("t1");
        var temp = $"{path}.{Guid.NewGuid():N}.tmp";
        await File.WriteAllBytesAsync(temp, [1, 2, 3], Ct);

        using var reopened = _store.Open("t1");
        Assert.Equal(["e1", "e2"], (await reopened.ReadAllAsync(Ct)).Select(e => e.EpisodeId));
        Assert.False(File.Exists(temp));
    }

    [Fact]
    public async Task Journals_of_different_tasks_are_separate_and_task_ids_cannot_leave_the_folder()
    {
        using (var a = _store.Open("../escape"))
        using (var b = _store.Open(".."))
        {
            await a.AppendAsync(Event("a1"), Ct);
            await b.AppendAsync(Event("b1"), Ct);
        }

        var folder = Path.Combine(_parent, "journal");
        Assert.Equal(2, Directory.GetFiles(folder).Length);
        Assert.Equal([folder], Directory.GetFileSystemEntries(_parent));
        using var again = _store.Open("../escape");
        Assert.Equal(["a1"], (await again.ReadAllAsync(Ct)).Select(e => e.EpisodeId));
    }

    [Fact]
    public async Task A_journal_never_written_reads_empty()
    {
        using var journal = _store.Open("nothing");
        Assert.Empty(await journal.ReadAllAsync(Ct));
    }

    private static async Task AppendBytesAsync(string path, byte[] bytes)
    {
        await using var stream = new FileStream(path, FileMode.Append, FileAccess.Write);
        await stream.WriteAsync(bytes, Ct);
    }

    internal static LearningEvent Event(string id, LearningEventKind kind = LearningEventKind.Episode, int? label = null, string? trace = null) =>
        new(kind, id, ImmutableArray.Create(0.25f, -1.5f), label, 1, 0.3, 2, new DateTimeOffset(2025, 1, 2, 3, 4, 5, TimeSpan.Zero), 0, 0.8, 0.7, trace);

    internal static void AssertSame(LearningEvent expected, LearningEvent actual)
    {
        Assert.Equal(expected with { Features = [] }, actual with { Features = [] });
        Assert.Equal(expected.Features, actual.Features);
    }
}
