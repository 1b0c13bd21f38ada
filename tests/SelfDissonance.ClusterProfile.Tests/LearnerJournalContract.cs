using System.Collections.Immutable;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Serialization;
using SelfDissonance.Learning;
using SelfDissonance.Learning.Journal;
using static SelfDissonance.Testing.Api;

namespace SelfDissonance.ClusterProfile.Tests;

/// <summary>
/// What every shared learner journal store must do (Redis lists in the cluster profile, Blob storage in the Azure
/// profile), run against the real service by each subclass: journals survive their store (another silo reads them),
/// reset replaces atomically and to nothing removes the journal, and services sharing the backend stay apart.
/// </summary>
public abstract class LearnerJournalContract : IAsyncDisposable
{
    protected static readonly Serializer EventSerializer = new ServiceCollection()
        .AddSerializer(b => b.AddAssembly(typeof(LearningEvent).Assembly))
        .BuildServiceProvider()
        .GetRequiredService<Serializer>();

    private readonly List<ILearnerJournalStore> _stores = [];

    protected string ServiceId { get; } = $"journal-{Guid.NewGuid():N}";

    /// <summary>A store of <paramref name="serviceId"/> as a silo would make it (a new one: another silo, or a restart).</summary>
    protected abstract ILearnerJournalStore CreateStore(string serviceId);

    /// <summary>How many entries the backend holds for the task's journal (one per append; a list entry, an append block).</summary>
    protected abstract Task<long> StoredEntriesAsync(ILearnerJournalStore store, string taskId);

    /// <summary>Whether the backend holds anything that makes the task's journal non-empty.</summary>
    protected abstract Task<bool> ExistsAsync(ILearnerJournalStore store, string taskId);

    [Fact]
    public async Task Appends_are_one_entry_each_under_the_service_id_and_read_back_in_order()
    {
        var store = Store(ServiceId);
        using (var journal = store.Open("t1"))
        {
            await journal.AppendAsync(Event("e1", label: 2), Ct);
            await journal.AppendAsync(Event("e2"), Ct);
            await journal.AppendAsync(Event("e2", LearningEventKind.Feedback, label: 0), Ct);
        }

        Assert.Equal(3, await StoredEntriesAsync(store, "t1"));

        // Another silo's store (a new activation after a silo kill) reads what this one appended.
        var other = Store(ServiceId);
        using var reopened = other.Open("t1");
        var read = await reopened.ReadAllAsync(Ct);
        Assert.Equal(["e1", "e2", "e2"], read.Select(e => e.EpisodeId));
        Assert.Equal([LearningEventKind.Episode, LearningEventKind.Episode, LearningEventKind.Feedback], read.Select(e => e.Kind));
        Assert.Equal(2, read[0].Label);
        Assert.Equal([0.25f, -1.5f], read[0].Features);
        Assert.Empty(await other.Open("t2").ReadAllAsync(Ct));
        Assert.False(await ExistsAsync(other, "t2"));
    }

    [Fact]
    public async Task Reset_replaces_the_journal_and_reset_to_nothing_removes_it()
    {
        var store = Store(ServiceId);
        using var journal = store.Open("t1");
        await journal.AppendAsync(Event("e1"), Ct);
        await journal.AppendAsync(Event("e2"), Ct);
        await journal.AppendAsync(Event("e3"), Ct);

        await journal.ResetAsync([Event("e1"), Event("e3")], Ct);
        await journal.AppendAsync(Event("e4"), Ct);
        Assert.Equal(["e1", "e3", "e4"], (await journal.ReadAllAsync(Ct)).Select(e => e.EpisodeId));
        // A journal opened elsewhere after the reset sees the replacement, not the old events.
        Assert.Equal(["e1", "e3", "e4"], (await Store(ServiceId).Open("t1").ReadAllAsync(Ct)).Select(e => e.EpisodeId));

        await journal.ResetAsync([], Ct);
        Assert.Empty(await journal.ReadAllAsync(Ct));
        Assert.False(await ExistsAsync(store, "t1"));

        // Appending after a reset to nothing starts a new journal.
        await journal.AppendAsync(Event("e5"), Ct);
        Assert.Equal(["e5"], (await Store(ServiceId).Open("t1").ReadAllAsync(Ct)).Select(e => e.EpisodeId));
    }

    [Fact]
    public async Task Journals_of_other_services_with_the_same_task_id_are_separate()
    {
        var mine = Store(ServiceId);
        var theirs = Store(ServiceId + "-other");
        await mine.Open("t1").AppendAsync(Event("mine"), Ct);
        await theirs.Open("t1").AppendAsync(Event("theirs"), Ct);

        Assert.Equal(["mine"], (await mine.Open("t1").ReadAllAsync(Ct)).Select(e => e.EpisodeId));
        Assert.Equal(["theirs"], (await theirs.Open("t1").ReadAllAsync(Ct)).Select(e => e.EpisodeId));
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var store in _stores.OfType<IAsyncDisposable>())
        {
            await store.DisposeAsync();
        }

        GC.SuppressFinalize(this);
    }

    protected static LearningEvent Event(string id, LearningEventKind kind = LearningEventKind.Episode, int? label = null) =>
        new(kind, id, ImmutableArray.Create(0.25f, -1.5f), label, 1, 0.3, 2, DateTimeOffset.UnixEpoch, 0, 0.8, 0.7);

    private ILearnerJournalStore Store(string serviceId)
    {
        var store = CreateStore(serviceId);
        _stores.Add(store);
        return store;
    }
}
