using SelfDissonance.Learning;
using SelfDissonance.Models;
using SelfDissonance.Policy;
using SelfDissonance.Testing;

namespace SelfDissonance.Cluster.Tests;

/// <summary>Live accuracy per version deciding canaries and automatic rollbacks (MinLiveSamples = 100 by default).</summary>
public sealed class CanaryAndAutoRollbackTests(ClusterFixture fixture, ITestOutputHelper output)
{
    private static readonly TimeSpan s_timeout = TimeSpan.FromSeconds(30);
    private readonly IClusterClient _client = fixture.Client;

    private async Task LearnAsync(string task, int events)
    {
        var learner = _client.GetGrain<ILearnerGrain>(task);
        await Eventually.ReturnsAsync(learner.GetStatusAsync, s => s.EventsConsumed == events, s_timeout, "the learner consuming the episodes");
        var cycle = await learner.LearnNowAsync("test");
        Assert.Equal(2, cycle.Proposer!.Version);
    }

    [Fact]
    public async Task A_canary_serves_its_share_and_is_promoted_when_its_live_accuracy_holds()
    {
        const string task = "live-canary";
        var pool = TwoMoons.Generate(1500, seed: 91);
        await fixture.CreateTwoMoonsTaskAsync(task, pool[..60], pool[60..360], new PolicyPatch { CanaryFraction = 0.5, KlEps = 10, GoldenTolerance = 1, MinBatch = 1_000_000, MaxDissonance = 1, DBudgetPerHour = 10_000_000 });
        await Episodes.RunManyAsync(_client, task, [.. pool[360..760].Select((row, i) => ($"{task}-a{i}", row, true))]);
        await LearnAsync(task, 400);
        var registry = fixture.Registry(task, ModelRole.Proposer);
        var serving = await registry.GetServingAsync();
        Assert.Equal((1, 2), (serving.Production!.Version, serving.Canary!.Version));
        await Eventually.ReturnsAsync(() => fixture.ServingOnEverySiloAsync(task), v => v.All(s => s.CanaryVersion == 2), s_timeout, "the canary on every silo");

        var results = await Episodes.RunManyAsync(_client, task, [.. pool[760..1160].Select((row, i) => ($"{task}-b{i}", row, true))]);

        // The canary may be promoted part-way through (after MinLiveSamples); episodes after that are served by v2 as
        // production. While it ran, it served its share, and only it served v2.
        var canary = results.Count(r => r.Record.Proposal!.Canary);
        var production = results.Count(r => r.Record.Proposal!.Version == 1);
        Assert.All(results.Where(r => r.Record.Proposal!.Canary), r => Assert.Equal(2, r.Record.Proposal!.Version));
        Assert.InRange(canary / (double)(canary + production), 0.35, 0.65);
        Assert.True(canary >= 100, $"the canary served {canary} episodes; its decision needs 100");
        var history = await Eventually.ReturnsAsync(registry.GetHistoryAsync, h => h[^1].Action != ProductionActions.CanaryStarted, s_timeout, "the canary decision");
        output.WriteLine(history[^1].Reason);
        Assert.Equal((ProductionActions.CanaryPromoted, 2, "auto"), (history[^1].Action, history[^1].To, history[^1].By));
        Assert.Equal(2, (await registry.GetServingAsync()).Production!.Version);
    }

    [Fact]
    public async Task Production_is_rolled_back_automatically_when_its_live_accuracy_drops()
    {
        const string task = "live-rollback";
        var pool = TwoMoons.Generate(2400, seed: 93);
        // v1 earns a live record on true labels. Labeled episodes are ground truth and always learnable; minBatch keeps
        // them from training until the learn request below.
        await fixture.CreateTwoMoonsTaskAsync(task, pool[..60], pool[60..360], new PolicyPatch { DTarget = 0, KlEps = 10, GoldenTolerance = 1, MinBatch = 1_000_000, MaxDissonance = 1 });
        var honest = await Episodes.RunManyAsync(_client, task, [.. pool[360..760].Select((row, i) => ($"{task}-a{i}", row, true))]);
        Assert.All(honest, r => Assert.True(r.Record.Gate!.Allowed));

        // Then more than twice as many poisoned labels (flipped): the v2 trained on all of them mostly answers the flipped
        // class, and this loose policy lets it through the golden gate. Live accuracy on true labels is what catches it
        // (v1's own record includes the flipped labels it answered, so it sits near a third).
        await Episodes.RunManyAsync(_client, task, [.. pool[760..1760].Select((row, i) => ($"{task}-p{i}", row with { Label = 1 - row.Label }, true))]);
        await LearnAsync(task, 1400);
        var registry = fixture.Registry(task, ModelRole.Proposer);
        Assert.Equal(2, (await registry.GetServingAsync()).Production!.Version);
        await Eventually.ReturnsAsync(() => fixture.ServingOnEverySiloAsync(task), v => v.All(s => s.ProposerVersion == 2), s_timeout, "v2 on every silo");

        await Episodes.RunManyAsync(_client, task, [.. pool[1760..2000].Select((row, i) => ($"{task}-b{i}", row, true))]);

        var history = await Eventually.ReturnsAsync(registry.GetHistoryAsync, h => h[^1].Action == ProductionActions.AutoRolledBack, s_timeout, "the automatic rollback");
        output.WriteLine(history[^1].Reason);
        Assert.Equal((2, 1, "auto"), (history[^1].From!.Value, history[^1].To, history[^1].By));
        var versions = await registry.ListAsync();
        Assert.True(versions[1].Live.Accuracy < versions[0].Live.Accuracy - 0.015);
        await Eventually.ReturnsAsync(() => fixture.ServingOnEverySiloAsync(task), v => v.All(s => s.ProposerVersion == 1), TimeSpan.FromSeconds(5), "v1 on every silo");
    }
}
