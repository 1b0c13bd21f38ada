using SelfDissonance.Learning;
using SelfDissonance.Learning.Ml;
using SelfDissonance.Models;
using SelfDissonance.Policy;
using SelfDissonance.Testing;

namespace SelfDissonance.Cluster.Tests;

public sealed class LearningTests(ClusterFixture fixture, ITestOutputHelper output)
{
    private static readonly TimeSpan s_streamTimeout = TimeSpan.FromSeconds(180);
    private readonly IClusterClient _client = fixture.Client;

    [Fact]
    public async Task Two_moons_learning_promotes_and_approaches_the_offline_fit()
    {
        const string task = "learn-moons";
        var pool = TwoMoons.Generate(2400, seed: 11);
        var golden = TwoMoons.Generate(1000, seed: 12);
        var bootstrap = pool[..120]; // 5 %
        var stream = pool[120..];
        var bootstrapResult = await fixture.CreateTwoMoonsTaskAsync(task, bootstrap, golden, new PolicyPatch { DBudgetPerHour = 10_000_000 });
        var bootstrapAccuracy = bootstrapResult.Proposer.Lineage.GoldenAccuracy;

        // Half of the streamed episodes carry their label.
        var items = stream.Select((row, i) => ($"{task}-{i}", row, i % 2 == 0)).ToList();
        var results = await Episodes.RunManyAsync(_client, task, items);
        var learnable = results.Count(r => r.Record.Gate!.Allowed);
        var learnedLabeled = results.Where(r => r.Record.Gate!.Allowed && r.Record.Label is not null).Select(r => items.First(i => i.Item1 == r.Record.Id).row).ToList();

        var learner = _client.GetGrain<ILearnerGrain>(task);
        await Eventually.ReturnsAsync(learner.GetStatusAsync, s => s.EventsConsumed == learnable, s_streamTimeout, "the learner consuming every learnable episode");

        // Drain: cycles until nothing is left to learn (trust-region catch-up steps included).
        for (var i = 0; i < 12; i++)
        {
            var cycle = await learner.LearnNowAsync("test");
            output.WriteLine($"cycle {cycle.Cycle}: {cycle.Outcome} [{string.Join(",", cycle.Reasons)}] proposer golden {cycle.Proposer?.GoldenAccuracy:P2} KL {cycle.Proposer?.KlFromProduction:F4} step {cycle.Proposer?.Step} {cycle.Proposer?.Trainer}");
            if (cycle.Outcome == LearningOutcomes.NothingToLearn)
            {
                break;
            }
        }

        var registry = fixture.Registry(task, ModelRole.Proposer);
        var production = (await registry.GetServingAsync()).Production!;
        var promotions = (await registry.GetHistoryAsync()).Count(h => h.Action == ProductionActions.Promoted && h.To > 1);

        // The reference: the same trainer, fitted offline on every labeled row the learner had.
        var trainer = new LightGbmTrainer();
        var offlineRows = bootstrap.Concat(learnedLabeled).Select(r => new TrainingRow([.. r.Features], r.Label, 1f)).ToList();
        var offline = trainer.Fit(new ModelShape(2, 2), offlineRows);
        var offlineAccuracy = GoldenEvaluator.Accuracy(offline.Predictor, golden);

        output.WriteLine($"bootstrap {bootstrapAccuracy:P2} -> production v{production.Version} {production.Lineage.GoldenAccuracy:P2}; offline on {offlineRows.Count} labeled rows {offlineAccuracy:P2}; promotions {promotions}; learnable {learnable}/{stream.Count}");
        Assert.True(promotions >= 1, "the learner promoted at least once");
        Assert.True(production.Lineage.GoldenAccuracy > bootstrapAccuracy, $"learned {production.Lineage.GoldenAccuracy:P2} must beat bootstrap {bootstrapAccuracy:P2}");
        Assert.True(production.Lineage.GoldenAccuracy >= offlineAccuracy - 0.03, $"learned {production.Lineage.GoldenAccuracy:P2} must be within 3 points of offline {offlineAccuracy:P2}");
    }

    [Fact]
    public async Task With_kl_eps_near_zero_nothing_is_promoted_and_the_reason_says_so()
    {
        const string task = "learn-kl";
        var pool = TwoMoons.Generate(1000, seed: 21);
        await fixture.CreateTwoMoonsTaskAsync(task, pool[..100], pool[100..400], new PolicyPatch { KlEps = 1e-9, MinBatch = 1_000_000, DBudgetPerHour = 10_000_000, MaxDissonance = 1 });
        var items = pool[400..700].Select((row, i) => ($"{task}-{i}", row, true)).ToList();
        await Episodes.RunManyAsync(_client, task, items);
        var learner = _client.GetGrain<ILearnerGrain>(task);
        await Eventually.ReturnsAsync(learner.GetStatusAsync, s => s.EventsConsumed == items.Count, s_streamTimeout, "the learner consuming the episodes");

        var cycle = await learner.LearnNowAsync("test");

        Assert.Equal(LearningOutcomes.Rejected, cycle.Outcome);
        Assert.Contains(RejectionReasons.KlTrustRegion, cycle.Reasons);
        Assert.Equal(RejectionReasons.KlTrustRegion, Assert.Single(cycle.Proposer!.Reasons));
        // No mixture toward the candidate moved at least the smallest step within the bound.
        Assert.Equal(0, cycle.Proposer.Step);
        Assert.All(cycle.Proposer.Steps, s => Assert.False(s.WithinBound));
        Assert.Equal(1, (await fixture.Registry(task, ModelRole.Proposer).GetServingAsync()).Production!.Version);
        Assert.Equal(1, (await fixture.Registry(task, ModelRole.Critic).GetServingAsync()).Production!.Version);
    }

    [Fact]
    public async Task A_candidate_worse_on_golden_is_rejected()
    {
        const string task = "learn-worse";
        var pool = TwoMoons.Generate(1200, seed: 31);
        await fixture.CreateTwoMoonsTaskAsync(task, pool[..150], pool[150..450], new PolicyPatch { KlEps = 10, MinBatch = 1_000_000, DBudgetPerHour = 10_000_000, MaxDissonance = 1 });

        // Poison: every streamed label is flipped, so a model fitted on them is worse on the golden set.
        var flipped = pool[450..1050].Select((row, i) => ($"{task}-{i}", row with { Label = 1 - row.Label }, true)).ToList();
        await Episodes.RunManyAsync(_client, task, flipped);
        var learner = _client.GetGrain<ILearnerGrain>(task);
        await Eventually.ReturnsAsync(learner.GetStatusAsync, s => s.EventsConsumed == flipped.Count, s_streamTimeout, "the learner consuming the episodes");

        var cycle = await learner.LearnNowAsync("test");

        Assert.Equal(LearningOutcomes.Rejected, cycle.Outcome);
        Assert.Equal(RejectionReasons.GoldenRegression, Assert.Single(cycle.Proposer!.Reasons));
        Assert.True(cycle.Proposer.GoldenAccuracy < cycle.Proposer.ProductionGoldenAccuracy!.Value - 0.005);
        Assert.Null(cycle.Proposer.Version);
        var versions = await fixture.Registry(task, ModelRole.Proposer).ListAsync();
        Assert.Single(versions);
    }

    [Fact]
    public async Task A_cycle_starts_by_itself_after_min_batch_labeled_rows()
    {
        const string task = "learn-auto";
        var pool = TwoMoons.Generate(1000, seed: 41);
        await fixture.CreateTwoMoonsTaskAsync(task, pool[..150], pool[150..450], new PolicyPatch { MinBatch = 32, KlEps = 10, DBudgetPerHour = 10_000_000, MaxDissonance = 1 });
        var items = pool[450..490].Select((row, i) => ($"{task}-{i}", row, true)).ToList();

        await Episodes.RunManyAsync(_client, task, items);

        var status = await Eventually.ReturnsAsync(_client.GetGrain<ILearnerGrain>(task).GetStatusAsync, s => s.Cycles >= 1, s_streamTimeout, "a cycle triggered by minBatch");
        var cycle = Assert.Single(status.RecentCycles);
        Assert.Equal("min_batch", cycle.Trigger);
        Assert.Equal(32, cycle.NewLabeledRows);
    }

    [Fact]
    public async Task Lambda_adapts_after_a_cycle()
    {
        const string task = "learn-lambda";
        var pool = TwoMoons.Generate(1000, seed: 51);
        await fixture.CreateTwoMoonsTaskAsync(task, pool[..150], pool[150..450], new PolicyPatch { DTarget = 0, Eta = 1, LambdaMax = 1, KlEps = 10, MinBatch = 1_000_000, DBudgetPerHour = 10_000_000, MaxDissonance = 1 });
        var items = pool[450..530].Select((row, i) => ($"{task}-{i}", row, false)).ToList();
        var results = await Episodes.RunManyAsync(_client, task, items);
        var learner = _client.GetGrain<ILearnerGrain>(task);
        await Eventually.ReturnsAsync(learner.GetStatusAsync, s => s.EventsConsumed == items.Count, s_streamTimeout, "the learner consuming the episodes");

        var cycle = await learner.LearnNowAsync("test");

        // λ ← clamp(λ + η·(mean d − D_target), 0, λmax) with λ = 0, η = 1, D_target = 0.
        var meanD = results.Average(r => r.Record.Critique!.Dissonance);
        Assert.NotNull(cycle.Lambda);
        Assert.Equal(meanD, cycle.Lambda!.MeanDissonance, 6);
        Assert.Equal(Math.Min(1, meanD), cycle.Lambda.After, 6);
        Assert.Equal(cycle.Lambda.After, (await _client.GetGrain<IMetaControllerGrain>(task).GetPolicyAsync()).Policy.Lambda, 9);
    }
}
