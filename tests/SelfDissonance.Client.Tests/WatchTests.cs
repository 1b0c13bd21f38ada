using System.Collections.Concurrent;
using SelfDissonance.Client.Contracts;
using SelfDissonance.Testing;
using static SelfDissonance.Testing.Api;

namespace SelfDissonance.Client.Tests;

/// <summary>Live events (SSE over HTTP, the task's Orleans stream over the cluster client) and the sampled history.</summary>
public sealed class WatchTests(SdkFixture fixture)
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    [Theory]
    [MemberData(nameof(SdkFixture.Transports), MemberType = typeof(SdkFixture))]
    public async Task Episodes_cycles_promotions_and_rollbacks_arrive_live(string transport)
    {
        var sd = fixture.For(transport);
        var task = $"sdk-watch-{transport}";
        var data = TwoMoons.Generate(500, 11);
        // Only the explicit learn below runs a cycle, and it promotes what it trains.
        await sd.CreateTaskAsync(new CreateTaskRequest(task, TwoMoons.Features, TwoMoons.Classes, new PolicyUpdate { GoldenTolerance = 1, KlEps = 10, MinBatch = 1_000_000 }), Ct);
        await sd.BootstrapAsync(task, new BootstrapRequest([.. data[..100].Select(Row)], [.. data[100..200].Select(Row)]), Ct);

        using var watching = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        var seen = new ConcurrentQueue<TaskEvent>();
        var reader = Task.Run(async () =>
        {
            await foreach (var e in sd.WatchAsync(task, watching.Token))
            {
                seen.Enqueue(e);
            }
        }, Ct);

        // Subscribing is asynchronous: send episodes until the first one comes back as an event.
        var labeled = data[200..];
        var next = 0;
        async Task<EpisodeResponse> SendAsync()
        {
            var example = labeled[next++];
            return await sd.RunEpisodeAsync(task, new EpisodeRequest(Features(example), TwoMoons.Classes[example.Label]), Ct);
        }

        var deadline = DateTime.UtcNow + Patience;
        EpisodeResponse probe;
        do
        {
            Assert.True(DateTime.UtcNow < deadline, "no episode event arrived");
            probe = await SendAsync();
            await Task.Delay(300, Ct);
        }
        while (!seen.Any(e => e.Kind == TaskEventKinds.Episode && e.Episode!.Id == probe.Id));

        var episode = seen.First(e => e.Episode?.Id == probe.Id);
        Assert.Equal(task, episode.Task);
        Assert.Equal(probe.Prediction.Label, episode.Episode!.Prediction);
        Assert.Equal(probe.Dissonance, episode.Episode.Dissonance, 9);
        Assert.Equal(probe.Gate.Allowed, episode.Episode.Learnable);
        Assert.Equal("sync", episode.Episode.Source);
        Assert.Null(episode.Model);

        // Every later episode arrives too (the buffer publishes per silo flush, not per episode).
        var sent = new List<string>();
        for (var i = 0; i < 100; i++)
        {
            sent.Add((await SendAsync()).Id);
        }

        await Eventually.TrueAsync(() => sent.All(id => seen.Any(e => e.Episode?.Id == id)), Patience, "all 100 episode events");

        await Eventually.ReturnsAsync(() => sd.GetMetricsAsync(task, Ct), m => m.Learner.EventsConsumed >= m.Learnable, Patience, "the learner taking the learnable episodes");
        // The learner's timer may have run the cycle already (data was pending); then learn has nothing left to do.
        var learn = await sd.LearnAsync(task, Ct);
        Assert.Contains(learn.Outcome, new[] { "promoted", "nothing_to_learn" });
        var promoted = (await sd.ListModelsAsync(task, Ct)).Proposer.Production!.Value;
        Assert.True(promoted >= 2, "the labeled episodes should have promoted a proposer v2");
        await Eventually.TrueAsync(() => seen.Any(e => e.Kind == TaskEventKinds.Cycle && e.Cycle is { Outcome: "promoted" } c && c.ProposerVersion == promoted), Patience, "the cycle event");
        await Eventually.TrueAsync(() => seen.Any(e => e.Kind == TaskEventKinds.Promotion && e.Model is { Role: "proposer", Action: "promoted" } m && m.To == promoted && m.GoldenAccuracy > 0.5), Patience, "the promotion event");

        await sd.RollbackAsync(task, "proposer", "watch test", Ct);
        await Eventually.TrueAsync(() => seen.Any(e => e.Kind == TaskEventKinds.Rollback && e.Model is { Role: "proposer", Action: "rolled_back", Reason: "watch test" } m && m.From == promoted && m.To < promoted), Patience, "the rollback event");

        await watching.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => reader);
    }

    [Theory]
    [MemberData(nameof(SdkFixture.Transports), MemberType = typeof(SdkFixture))]
    public async Task Watching_an_unknown_task_is_404(string transport)
    {
        var e = await Assert.ThrowsAsync<SelfDissonanceException>(async () =>
        {
            await foreach (var _ in fixture.For(transport).WatchAsync("sdk-no-such-watch", Ct))
            {
            }
        });
        Assert.Equal((404, "task_not_found"), (e.Status, e.Reason));
    }

    [Theory]
    [MemberData(nameof(SdkFixture.Transports), MemberType = typeof(SdkFixture))]
    public async Task History_samples_traffic_lambda_budget_and_accuracy_per_version(string transport)
    {
        var sd = fixture.For(transport);
        var task = $"sdk-history-{transport}";
        var data = TwoMoons.Generate(400, 12);
        await sd.CreateTaskAsync(new CreateTaskRequest(task, TwoMoons.Features, TwoMoons.Classes), Ct);
        await sd.BootstrapAsync(task, new BootstrapRequest([.. data[..100].Select(Row)], [.. data[100..200].Select(Row)]), Ct);
        foreach (var example in data[200..260])
        {
            await sd.RunEpisodeAsync(task, new EpisodeRequest(Features(example), TwoMoons.Classes[example.Label]), Ct);
        }

        var history = await Eventually.ReturnsAsync(
            () => sd.GetHistoryAsync(task, Ct),
            h => h.Traffic.Count > 0 && h.Traffic[^1].Episodes == 60 && h.Accuracy.Any(a => a.Role == "proposer" && a.LiveSamples > 0),
            Patience,
            "history with the 60 episodes and live accuracy");
        Assert.Equal(task, history.Task);
        Assert.True(history.Traffic.Zip(history.Traffic.Skip(1)).All(p => p.First.At <= p.Second.At), "traffic samples are in time order");
        Assert.Equal(100, history.Traffic[^1].BudgetLeft + (await sd.GetPolicyAsync(task, Ct)).BudgetUsed, 6);
        var proposer = history.Accuracy.Where(a => a is { Role: "proposer", Version: 1 }).ToList();
        Assert.NotEmpty(proposer);
        Assert.All(proposer, a => Assert.Equal("production", a.Stage));
        Assert.InRange(proposer[^1].GoldenAccuracy, 0.5, 1);
        Assert.InRange(proposer[^1].LiveAccuracy!.Value, 0.5, 1);
        Assert.Contains(history.Accuracy, a => a is { Role: "critic", Version: 1 });

        var missing = await Assert.ThrowsAsync<SelfDissonanceException>(() => sd.GetHistoryAsync("sdk-no-such-history", Ct));
        Assert.Equal("task_not_found", missing.Reason);
    }

    private static Dictionary<string, double> Features(Tasks.LabeledExample e) => new() { ["x"] = e.Features[0], ["y"] = e.Features[1] };
}
