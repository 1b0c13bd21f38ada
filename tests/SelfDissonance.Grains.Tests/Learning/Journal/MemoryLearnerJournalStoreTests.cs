using SelfDissonance.Learning.Journal;
using static SelfDissonance.Grains.Tests.Learning.Journal.FileLearnerJournalTests;

namespace SelfDissonance.Grains.Tests.Learning.Journal;

public sealed class MemoryLearnerJournalStoreTests
{
    private readonly MemoryLearnerJournalStore _store = new();

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Events_outlive_the_journal_object_and_reset_replaces_them()
    {
        using (var journal = _store.Open("t1"))
        {
            await journal.AppendAsync(Event("e1"), Ct);
            await journal.AppendAsync(Event("e2"), Ct);
        }

        using var again = _store.Open("t1");
        Assert.Equal(["e1", "e2"], (await again.ReadAllAsync(Ct)).Select(e => e.EpisodeId));
        Assert.Empty(await _store.Open("t2").ReadAllAsync(Ct));

        await again.ResetAsync([Event("e2")], Ct);
        Assert.Equal(["e2"], (await again.ReadAllAsync(Ct)).Select(e => e.EpisodeId));
        await again.ResetAsync([], Ct);
        Assert.Empty(await again.ReadAllAsync(Ct));
    }
}
