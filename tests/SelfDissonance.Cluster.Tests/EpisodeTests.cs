using System.Collections.Immutable;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Storage;
using SelfDissonance.Episodes;
using SelfDissonance.Learning;
using SelfDissonance.Models;
using SelfDissonance.Policy;
using SelfDissonance.Runtime;
using SelfDissonance.Safety;
using SelfDissonance.Testing;

namespace SelfDissonance.Cluster.Tests;

public sealed class EpisodeTests(ClusterFixture fixture)
{
    private static readonly TimeSpan s_streamTimeout = TimeSpan.FromSeconds(20);
    private readonly IClusterClient _client = fixture.Client;

    /// <summary>Records hold immutable arrays, which compare by reference; compare what they serialize to.</summary>
    private static string Json(EpisodeRecord? record) => System.Text.Json.JsonSerializer.Serialize(record);

    [Fact]
    public async Task An_episode_runs_end_to_end_and_is_persisted()
    {
        var data = TwoMoons.Generate(600, seed: 1);
        await fixture.CreateTwoMoonsTaskAsync("ep-e2e", data[..200], data[200..400]);

        var result = await Episodes.RunAsync(_client, "ep-e2e", "ep-e2e-1", data[450], withLabel: false);

        var r = result.Record;
        Assert.False(result.Replayed);
        Assert.Equal(EpisodeStatus.Completed, r.Status);
        Assert.Equal(1, r.Proposal!.Version);
        Assert.Equal(1, r.Critique!.Version);
        Assert.Equal(2, r.Proposal.Prediction.Probabilities.Length);
        Assert.Equal(1.0, r.Proposal.Prediction.Probabilities.Sum(), 6);
        // d is the total variation distance between the two distributions (BRIEF §1).
        var expected = 0.5 * r.Proposal.Prediction.Probabilities.Zip(r.Critique.Prediction.Probabilities, (p, q) => Math.Abs(p - q)).Sum();
        Assert.Equal(expected, r.Critique.Dissonance, 9);
        Assert.Equal(r.Critique.Dissonance <= 0.5, r.Gate!.Allowed);

        var stored = await _client.GetGrain<IEpisodeGrain>("ep-e2e-1").GetAsync();
        Assert.Equal(Json(r), Json(stored));
    }

    [Fact]
    public async Task A_large_predict_batch_spread_over_the_cores_answers_each_row_in_order()
    {
        var data = TwoMoons.Generate(1_700, seed: 4);
        await fixture.CreateTwoMoonsTaskAsync("predict-many", data[..200], data[200..400]);
        var rows = data[400..1_400].Select(r => r.Features).ToImmutableArray();
        var proposer = _client.GetGrain<IProposerGrain>(0);

        var batch = await proposer.PredictBatchAsync("predict-many", rows);

        Assert.Equal(rows.Length, batch.Predictions.Length);
        for (var i = 0; i < rows.Length; i += 37)
        {
            var one = await proposer.PredictBatchAsync("predict-many", [rows[i]]);
            Assert.Equal(one.Predictions[0].Probabilities, batch.Predictions[i].Probabilities);
        }

        // Both classes appear, so a batch that repeated one row's answer could not pass.
        Assert.Equal(2, batch.Predictions.Select(p => p.LabelIndex).Distinct().Count());
        var bad = rows.SetItem(700, [float.NaN, 0f]);
        var error = await Assert.ThrowsAsync<DomainException>(() => proposer.PredictBatchAsync("predict-many", bad));
        Assert.Equal(ReasonCodes.NonFiniteFeature, error.Reason);
    }

    [Fact]
    public async Task A_new_episode_runs_without_its_own_grain_and_an_unpublished_one_is_handed_to_its_grain()
    {
        var data = TwoMoons.Generate(700, seed: 5);
        await fixture.CreateTwoMoonsTaskAsync("ep-runner", data[..200], data[200..400], new PolicyPatch { MaxDissonance = 1, DBudgetPerHour = 10_000_000, MinBatch = 1_000_000 });
        var learner = _client.GetGrain<ILearnerGrain>("ep-runner");
        var runner = _client.GetGrain<IEpisodeRunnerGrain>(0);

        var run = await runner.RunNewAsync(new EpisodeRequest("ep-runner", "ep-runner-1", data[450].Features, null, EpisodeSource.Sync, DateTimeOffset.UtcNow));
        Assert.True(run.Record.LearningPublished);
        await Eventually.ReturnsAsync(learner.GetStatusAsync, s => s.EventsConsumed == 1, s_streamTimeout, "the learner consuming the runner's episode");
        // Stored where the episode grain keeps its state: read, replayed and refused like any episode.
        var grain = _client.GetGrain<IEpisodeGrain>("ep-runner-1");
        Assert.Equal(Json(run.Record), Json(await grain.GetAsync()));
        Assert.True((await grain.RunAsync(new EpisodeRequest("ep-runner", "ep-runner-1", data[450].Features, null, EpisodeSource.Sync, DateTimeOffset.UtcNow))).Replayed);
        var again = await Assert.ThrowsAsync<DomainException>(() => runner.RunNewAsync(new EpisodeRequest("ep-runner", "ep-runner-1", data[451].Features, null, EpisodeSource.Sync, DateTimeOffset.UtcNow)));
        Assert.Equal(ReasonCodes.IdempotencyConflict, again.Reason);

        // A record stored with its learning event still pending (the runner could not publish) is published by its grain.
        var pending = run.Record with { Id = "ep-runner-2", LearningPublished = false };
        var storage = fixture.Cluster.Silos[0].ServiceProvider.GetRequiredKeyedService<IGrainStorage>(StorageNames.Episodes);
        await storage.WriteStateAsync(EpisodeGrain.StateName, _client.GetGrain<IEpisodeGrain>("ep-runner-2").GetGrainId(), new GrainState<EpisodeState>(new EpisodeState { Record = pending, PendingPublish = true }));
        await _client.GetGrain<IEpisodeGrain>("ep-runner-2").EnsurePublishedAsync();
        await Eventually.ReturnsAsync(learner.GetStatusAsync, s => s.EventsConsumed == 2, s_streamTimeout, "the handed-over episode reaching the learner");
        await Eventually.ReturnsAsync(() => _client.GetGrain<IEpisodeGrain>("ep-runner-2").GetAsync(), r => r!.LearningPublished, s_streamTimeout, "the grain recording the publish");
    }

    [Fact]
    public async Task The_same_id_twice_runs_once_and_is_learned_once()
    {
        var data = TwoMoons.Generate(600, seed: 2);
        await fixture.CreateTwoMoonsTaskAsync("ep-idem", data[..200], data[200..400], new PolicyPatch { DBudgetPerHour = 10_000_000, MaxDissonance = 0.99 });
        var meta = _client.GetGrain<IMetaControllerGrain>("ep-idem");

        var first = await Episodes.RunAsync(_client, "ep-idem", "ep-idem-1", data[450], withLabel: true);
        // Concurrent repeats: the grain serializes them and every one is a replay.
        var repeats = await Task.WhenAll(Enumerable.Range(0, 5).Select(_ => Episodes.RunAsync(_client, "ep-idem", "ep-idem-1", data[450], withLabel: true)));

        Assert.False(first.Replayed);
        Assert.All(repeats, r => Assert.True(r.Replayed));
        Assert.All(repeats, r => Assert.Equal(Json(first.Record), Json(r.Record)));
        Assert.True(first.Record.Gate!.Allowed);

        var learner = _client.GetGrain<ILearnerGrain>("ep-idem");
        await Eventually.ReturnsAsync(() => learner.GetConsumedCountAsync("ep-idem-1"), n => n == 1, s_streamTimeout, "the learner consuming the episode");
        var traffic = await Eventually.ReturnsAsync(meta.GetTrafficAsync, t => t.Episodes >= 1, s_streamTimeout, "the traffic counters");
        await Task.Delay(500, TestContext.Current.CancellationToken);
        Assert.Equal(1, await learner.GetConsumedCountAsync("ep-idem-1"));
        Assert.Equal(1, (await meta.GetTrafficAsync()).Episodes);
        Assert.Equal(201, (await learner.GetStatusAsync()).LabeledRows);
        Assert.Equal(1, traffic.Learnable);
    }

    [Fact]
    public async Task The_same_id_with_different_input_is_a_conflict()
    {
        var data = TwoMoons.Generate(600, seed: 3);
        await fixture.CreateTwoMoonsTaskAsync("ep-conflict", data[..200], data[200..400]);
        await Episodes.RunAsync(_client, "ep-conflict", "ep-conflict-1", data[450], withLabel: false);

        var e = await Assert.ThrowsAsync<DomainException>(() => Episodes.RunAsync(_client, "ep-conflict", "ep-conflict-1", data[451], withLabel: false));
        Assert.Equal(ReasonCodes.IdempotencyConflict, e.Reason);
        Assert.Equal(409, e.Status);
    }

    [Fact]
    public async Task Feedback_reaches_the_learner_as_a_labeled_row()
    {
        var data = TwoMoons.Generate(600, seed: 4);
        await fixture.CreateTwoMoonsTaskAsync("ep-feedback", data[..200], data[200..400], new PolicyPatch { DBudgetPerHour = 10_000_000, MaxDissonance = 0.99 });
        var learner = _client.GetGrain<ILearnerGrain>("ep-feedback");

        var run = await Episodes.RunAsync(_client, "ep-feedback", "ep-feedback-1", data[450], withLabel: false);
        Assert.True(run.Record.Gate!.Allowed);
        await Eventually.ReturnsAsync(learner.GetStatusAsync, s => s.EventsConsumed == 1, s_streamTimeout, "the learner consuming the unlabeled episode");
        Assert.Equal(200, (await learner.GetStatusAsync()).LabeledRows);

        var label = TwoMoons.Classes[data[450].Label];
        var feedback = await _client.GetGrain<IEpisodeGrain>("ep-feedback-1").FeedbackAsync(label, "test");
        Assert.True(feedback.Learnable);
        Assert.False(feedback.Duplicate);

        var status = await Eventually.ReturnsAsync(learner.GetStatusAsync, s => s.LabeledRows == 201, s_streamTimeout, "the feedback label reaching the learner");
        Assert.Equal(2, status.EventsConsumed);
        Assert.Equal(0, status.PseudoCandidates);

        // The same label again is acknowledged as a duplicate and not learned twice; a different one is a conflict.
        Assert.True((await _client.GetGrain<IEpisodeGrain>("ep-feedback-1").FeedbackAsync(label, "test")).Duplicate);
        var other = TwoMoons.Classes[1 - data[450].Label];
        var conflict = await Assert.ThrowsAsync<DomainException>(() => _client.GetGrain<IEpisodeGrain>("ep-feedback-1").FeedbackAsync(other, "test"));
        Assert.Equal(ReasonCodes.LabelConflict, conflict.Reason);
        await Task.Delay(300, TestContext.Current.CancellationToken);
        Assert.Equal(201, (await learner.GetStatusAsync()).LabeledRows);
    }

    [Fact]
    public async Task Gate_blocks_out_of_distribution_and_too_dissonant_inputs_but_still_answers()
    {
        var data = TwoMoons.Generate(600, seed: 5);
        await fixture.CreateTwoMoonsTaskAsync("ep-gate", data[..200], data[200..400], new PolicyPatch { MaxDissonance = 0.01, DTarget = 0.005 });

        var far = await Episodes.RunAsync(_client, "ep-gate", "ep-gate-far", [40f, -40f]);
        Assert.False(far.Record.Gate!.Allowed);
        Assert.Contains(GateReasons.OutOfDistribution, far.Record.Gate.Reasons);
        Assert.NotNull(far.Record.Proposal);

        // With maxDissonance 0.01 nearly every input near the class boundary is blocked as too dissonant.
        var boundary = await Episodes.RunAsync(_client, "ep-gate", "ep-gate-boundary", [0.5f, 0.25f]);
        Assert.True(boundary.Record.Critique!.Dissonance > 0.01, "the probe must sit where the two models disagree");
        Assert.Contains(GateReasons.DissonanceTooHigh, boundary.Record.Gate!.Reasons);

        // The same inputs with a true label are ground truth: only the label check applies to them, so they are learned.
        var farLabeled = await Episodes.RunAsync(_client, "ep-gate", "ep-gate-far-labeled", [40f, -40f], "upper");
        var boundaryLabeled = await Episodes.RunAsync(_client, "ep-gate", "ep-gate-boundary-labeled", [0.5f, 0.25f], "lower");
        Assert.True(farLabeled.Record.Gate!.Allowed, string.Join(",", farLabeled.Record.Gate.Reasons));
        Assert.True(boundaryLabeled.Record.Gate!.Allowed, string.Join(",", boundaryLabeled.Record.Gate.Reasons));

        // A blocked episode is not learned from; the labeled ones are.
        var learner = _client.GetGrain<ILearnerGrain>("ep-gate");
        await Eventually.ReturnsAsync(() => learner.GetConsumedCountAsync("ep-gate-boundary-labeled"), n => n == 1, TimeSpan.FromSeconds(30), "the labeled boundary episode learned");
        Assert.Equal(1, await learner.GetConsumedCountAsync("ep-gate-far-labeled"));
        Assert.Equal(0, await learner.GetConsumedCountAsync("ep-gate-far"));
        Assert.Equal(0, await learner.GetConsumedCountAsync("ep-gate-boundary"));
    }

    [Fact]
    public async Task The_budget_blocks_learning_once_the_hour_is_spent()
    {
        var data = TwoMoons.Generate(600, seed: 6);
        await fixture.CreateTwoMoonsTaskAsync("ep-budget", data[..200], data[200..400], new PolicyPatch { DBudgetPerHour = 2, DTarget = 0, MaxDissonance = 1 });

        var results = new List<EpisodeResult>();
        for (var i = 0; i < 4; i++)
        {
            results.Add(await Episodes.RunAsync(_client, "ep-budget", $"ep-budget-{i}", data[400 + i], withLabel: false));
        }

        // d > dTarget = 0 for every input whose two models are not identical on it.
        Assert.All(results, r => Assert.True(r.Record.Critique!.Dissonance > 0));
        Assert.Equal(2, results.Count(r => r.Record.Gate!.Allowed));
        Assert.All(results.Skip(2), r => Assert.Contains(GateReasons.BudgetExhausted, r.Record.Gate!.Reasons));
        var policy = await _client.GetGrain<IMetaControllerGrain>("ep-budget").GetPolicyAsync();
        Assert.Equal(0, policy.BudgetLeft);
    }

    [Fact]
    public async Task The_queue_path_runs_submitted_episodes()
    {
        var data = TwoMoons.Generate(600, seed: 7);
        await fixture.CreateTwoMoonsTaskAsync("ep-queue", data[..200], data[200..400]);
        var requests = Enumerable.Range(0, 20)
            .Select(i => new EpisodeRequest("ep-queue", $"ep-queue-{i}", data[400 + i].Features, null, EpisodeSource.Queue, DateTimeOffset.UtcNow))
            .ToImmutableArray();

        var accepted = await _client.GetGrain<IEpisodeIntakeGrain>(0).SubmitAsync(requests);

        Assert.Equal(requests.Select(r => r.EpisodeId), accepted);
        foreach (var id in accepted)
        {
            var record = await Eventually.ReturnsAsync(() => _client.GetGrain<IEpisodeGrain>(id).GetAsync(), r => r?.Status == EpisodeStatus.Completed, s_streamTimeout, $"queued episode {id}");
            Assert.Equal(EpisodeSource.Queue, record!.Source);
            Assert.NotNull(record.Proposal);
        }
    }

    [Fact]
    public async Task An_episode_of_an_unknown_task_is_refused()
    {
        var e = await Assert.ThrowsAsync<DomainException>(() => Episodes.RunAsync(_client, "no-such-task", "ep-unknown-1", [0f, 0f]));
        Assert.Equal(ReasonCodes.TaskNotFound, e.Reason);
        Assert.Null(await _client.GetGrain<IEpisodeGrain>("ep-unknown-1").GetAsync());
    }

    [Fact]
    public async Task Live_accuracy_is_recorded_per_version_from_labeled_episodes()
    {
        var data = TwoMoons.Generate(700, seed: 8);
        await fixture.CreateTwoMoonsTaskAsync("ep-live", data[..200], data[200..400]);
        var items = Enumerable.Range(0, 40).Select(i => ($"ep-live-{i}", data[400 + i], true)).ToList();
        var results = await Episodes.RunManyAsync(_client, "ep-live", items);
        var correct = results.Count(r => r.Record.Proposal!.Prediction.LabelIndex == TwoMoons.Classes.IndexOf(r.Record.Label!));

        var v1 = await Eventually.ReturnsAsync(
            async () => (await fixture.Registry("ep-live", ModelRole.Proposer).ListAsync())[0],
            v => v.Live.Total == 40,
            s_streamTimeout,
            "live outcomes reaching the registry");
        Assert.Equal(correct, v1.Live.Correct);
    }
}
