using System.Collections.Immutable;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Orleans.Serialization;
using Orleans.Storage;
using SelfDissonance.Client.Contracts;
using SelfDissonance.Learning;
using SelfDissonance.Learning.Journal;
using SelfDissonance.Runtime;
using SelfDissonance.Storage;
using SelfDissonance.Testing;
using static SelfDissonance.Testing.Api;

namespace SelfDissonance.Silo.Tests;

/// <summary>The embedded default's learner journal: events not yet in a segment survive a restart, and an older data directory's buffer state moves in.</summary>
public sealed class LearnerJournalTests
{
    private static readonly Serializer s_serializer = new ServiceCollection()
        .AddSerializer(b => b.AddAssembly(typeof(LearningEvent).Assembly).AddAssembly(typeof(LearnerBufferState).Assembly))
        .BuildServiceProvider()
        .GetRequiredService<Serializer>();

    // No cycle on its own and none by count: the consumed events stay in the journal, not in a segment.
    private static readonly Dictionary<string, string?> s_noCycles = new() { ["SelfDissonance:Learning:CycleInterval"] = "00:10:00" };
    private static readonly PolicyUpdate s_policy = new() { KlEps = 10, GoldenTolerance = 1, MinBatch = 1_000_000, MaxDissonance = 1, DBudgetPerHour = 1_000_000 };

    [Fact]
    public async Task Consumed_events_not_yet_in_a_segment_are_journaled_one_record_each_and_survive_a_restart()
    {
        const string task = "journal-restart";
        await using var host = new GatewayHost(s_noCycles);
        await host.StartAsync();
        var data = TwoMoons.Generate(400, seed: 21);
        await host.Http.CreateTwoMoonsTaskAsync(task, s_policy);
        await host.Http.BootstrapAsync(task, data[..60], data[60..360]);
        for (var i = 360; i < 390; i++)
        {
            var row = Row(data[i]);
            (await host.Http.PostAsync($"/v1/tasks/{task}/episodes", new EpisodeRequest(row.Features, row.Label, $"{task}-{i}"))).EnsureSuccessStatusCode();
        }

        await Eventually.ReturnsAsync(() => host.Http.MetricsAsync(task), m => m.Learner.EventsConsumed == 30, TimeSpan.FromSeconds(30), "the learner consuming 30 episodes");
        await host.StopAsync();

        var journaled = await ReadJournalAsync(host.DataDirectory, task);
        Assert.Equal(Enumerable.Range(360, 30).Select(i => $"{task}-{i}").Order(), journaled.Select(e => e.EpisodeId).Order());
        // The per-event grain-state rewrite is gone.
        Assert.False(Directory.Exists(Path.Combine(host.DataDirectory, "state", "learnerBuffer")));

        await host.StartAsync();
        Assert.Equal(90, (await host.Http.MetricsAsync(task)).Learner.LabeledRows);
        var learn = await (await host.Http.PostAsync($"/v1/tasks/{task}/learn", null, Ct)).ReadAsync<LearnResponse>();
        Assert.Equal(30, learn.NewLabeledRows);
        await host.StopAsync();

        // The cycle wrote the events as a segment and reset the journal; after another restart they come from the segment.
        Assert.Empty(await ReadJournalAsync(host.DataDirectory, task));
        await host.StartAsync();
        Assert.Equal(90, (await host.Http.MetricsAsync(task)).Learner.LabeledRows);
    }

    [Fact]
    public async Task A_non_empty_buffer_state_of_an_older_version_moves_into_the_journal_on_activation()
    {
        const string task = "journal-migrate";
        await using var host = new GatewayHost(s_noCycles);
        await host.StartAsync();
        var data = TwoMoons.Generate(400, seed: 22);
        await host.Http.CreateTwoMoonsTaskAsync(task, s_policy);
        await host.Http.BootstrapAsync(task, data[..60], data[60..360]);
        await host.StopAsync();

        // What an older version left: events buffered in the learner's grain state.
        var state = Path.Combine(host.DataDirectory, "state");
        var grainType = Path.GetFileName(Assert.Single(Directory.GetDirectories(Path.Combine(state, "learner"))));
        var storage = new FileGrainStorage(StorageNames.Control, state, false, new OrleansGrainStorageSerializer(s_serializer), NullLogger<FileGrainStorage>.Instance);
        var grainId = GrainId.Create(grainType, task);
        var events = data[360..365].Select((e, i) => new LearningEvent(LearningEventKind.Episode, $"{task}-{i}", e.Features, e.Label, e.Label, 0.1, 1, DateTimeOffset.UnixEpoch)).ToImmutableList();
        await storage.WriteStateAsync("learnerBuffer", grainId, new GrainState<LearnerBufferState>(new LearnerBufferState { Events = events }));

        await host.StartAsync();
        Assert.Equal(65, (await host.Http.MetricsAsync(task)).Learner.LabeledRows);
        await host.StopAsync();

        Assert.Equal(events.Select(e => e.EpisodeId), (await ReadJournalAsync(host.DataDirectory, task)).Select(e => e.EpisodeId));
        var buffer = new GrainState<LearnerBufferState>();
        await storage.ReadStateAsync("learnerBuffer", grainId, buffer);
        Assert.False(buffer.RecordExists);

        // Moved once: another activation reads them from the journal only.
        await host.StartAsync();
        Assert.Equal(65, (await host.Http.MetricsAsync(task)).Learner.LabeledRows);
        Assert.Equal(0, (await host.Http.MetricsAsync(task)).Learner.DuplicatesIgnored);
    }

    private static async Task<IReadOnlyList<LearningEvent>> ReadJournalAsync(string dataDirectory, string task)
    {
        var store = new FileLearnerJournalStore(Path.Combine(dataDirectory, "journal"), false, s_serializer, NullLogger<FileLearnerJournal>.Instance);
        using var journal = store.Open(task);
        return await journal.ReadAllAsync(Ct);
    }
}
