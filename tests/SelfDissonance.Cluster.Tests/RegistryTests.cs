using System.Collections.Immutable;
using System.Diagnostics;
using SelfDissonance.Episodes;
using SelfDissonance.Learning;
using SelfDissonance.Models;
using SelfDissonance.Policy;
using SelfDissonance.Testing;

namespace SelfDissonance.Cluster.Tests;

public sealed class RegistryTests(ClusterFixture fixture, ITestOutputHelper output)
{
    private static readonly TimeSpan s_streamTimeout = TimeSpan.FromSeconds(30);
    private readonly IClusterClient _client = fixture.Client;

    /// <summary>A task with proposer v1 (bootstrap on 60 rows) and v2 (learned from 400 more), both verified on disk.</summary>
    private async Task<(ImmutableArray<ImmutableArray<float>> Probes, PredictBatchResult V1)> TaskWithTwoVersionsAsync(string task, int seed)
    {
        var pool = TwoMoons.Generate(1200, seed);
        await fixture.CreateTwoMoonsTaskAsync(task, pool[..60], pool[60..360], new PolicyPatch { KlEps = 10, GoldenTolerance = 1, MinBatch = 1_000_000, DBudgetPerHour = 10_000_000, MaxDissonance = 1 });
        var probes = pool[1000..1100].Select(r => r.Features).ToImmutableArray();
        var v1 = await _client.GetGrain<IProposerGrain>(0).PredictBatchAsync(task, probes);
        var items = pool[360..760].Select((row, i) => ($"{task}-{i}", row, true)).ToList();
        await Episodes.RunManyAsync(_client, task, items);
        var learner = _client.GetGrain<ILearnerGrain>(task);
        await Eventually.ReturnsAsync(learner.GetStatusAsync, s => s.EventsConsumed == items.Count, s_streamTimeout, "the learner consuming the episodes");
        var cycle = await learner.LearnNowAsync("test");
        Assert.Equal(2, cycle.Proposer!.Version);
        return (probes, v1);
    }

    [Fact]
    public async Task Rollback_changes_what_predict_returns_on_every_silo_within_a_second()
    {
        const string task = "reg-rollback";
        var (probes, v1) = await TaskWithTwoVersionsAsync(task, seed: 61);
        await Eventually.ReturnsAsync(() => fixture.ServingOnEverySiloAsync(task), views => views.All(v => v.ProposerVersion == 2), s_streamTimeout, "v2 on every silo");
        var v2 = await _client.GetGrain<IProposerGrain>(0).PredictBatchAsync(task, probes);
        Assert.Equal(2, v2.Version);
        Assert.NotEqual(v1.Predictions.Select(p => p.Probabilities[0]), v2.Predictions.Select(p => p.Probabilities[0]));

        var clock = Stopwatch.StartNew();
        var production = await fixture.Registry(task, ModelRole.Proposer).RollbackAsync("test", "rollback test");
        await Eventually.ReturnsAsync(() => fixture.ServingOnEverySiloAsync(task), views => views.All(v => v.ProposerVersion == 1), TimeSpan.FromSeconds(1), "v1 on every silo");
        var propagation = clock.Elapsed;
        output.WriteLine($"rollback visible on {fixture.Cluster.Silos.Count} silos after {propagation.TotalMilliseconds:F0} ms");

        Assert.Equal(1, production.Version);
        var after = await _client.GetGrain<IProposerGrain>(0).PredictBatchAsync(task, probes);
        Assert.Equal(1, after.Version);
        Assert.Equal(v1.Predictions.SelectMany(p => p.Probabilities), after.Predictions.SelectMany(p => p.Probabilities));
        var history = await fixture.Registry(task, ModelRole.Proposer).GetHistoryAsync();
        Assert.Equal(ProductionActions.RolledBack, history[^1].Action);
        Assert.Equal((2, 1, "test"), (history[^1].From!.Value, history[^1].To, history[^1].By));
        var versions = await fixture.Registry(task, ModelRole.Proposer).ListAsync();
        Assert.Equal(ModelStage.RolledBack, versions.Single(v => v.Version == 2).Stage);
    }

    [Fact]
    public async Task A_tampered_artifact_is_refused_and_never_served()
    {
        const string task = "reg-tamper";
        await TaskWithTwoVersionsAsync(task, seed: 71);
        var registry = fixture.Registry(task, ModelRole.Proposer);
        var v1 = (await registry.ListAsync()).Single(v => v.Version == 1);
        var path = Path.Combine(fixture.ArtifactDirectory, v1.Artifact.Key);
        Assert.True(File.Exists(path), $"artifact at {path}");
        // The store writes artifacts read-only; an attacker with access to the folder replaces the file.
        var bytes = await File.ReadAllBytesAsync(path, TestContext.Current.CancellationToken);
        bytes[bytes.Length / 2] ^= 0xFF;
        File.Delete(path);
        await File.WriteAllBytesAsync(path, bytes, TestContext.Current.CancellationToken);

        var e = await Assert.ThrowsAsync<DomainException>(() => registry.RollbackAsync("test", "rollback onto tampered bytes"));

        Assert.Equal(ReasonCodes.ArtifactIntegrity, e.Reason);
        Assert.Contains("v2", e.Detail);
        Assert.Equal(2, (await registry.GetServingAsync()).Production!.Version);
        await Task.Delay(300, TestContext.Current.CancellationToken);
        Assert.All(await fixture.ServingOnEverySiloAsync(task), v => Assert.Equal(2, v.ProposerVersion));
    }

    [Fact]
    public async Task Versions_are_numbered_monotonically_with_lineage()
    {
        const string task = "reg-lineage";
        await TaskWithTwoVersionsAsync(task, seed: 81);

        var versions = await fixture.Registry(task, ModelRole.Proposer).ListAsync();

        Assert.Equal([1, 2], versions.Select(v => v.Version));
        var (v1, v2) = (versions[0], versions[1]);
        Assert.Null(v1.Lineage.ParentVersion);
        Assert.Equal(1, v2.Lineage.ParentVersion);
        Assert.Equal(60, v1.Lineage.LabeledRows);
        Assert.Equal(460, v2.Lineage.LabeledRows);
        Assert.NotNull(v2.Lineage.KlFromParent);
        Assert.Equal(ModelStage.Archived, v1.Stage);
        Assert.Equal(ModelStage.Production, v2.Stage);
        Assert.Matches("^[0-9a-f]{64}$", v2.Artifact.Sha256);
        Assert.NotEqual(v1.Artifact.Sha256, v2.Artifact.Sha256);
        var history = await fixture.Registry(task, ModelRole.Proposer).GetHistoryAsync();
        Assert.Equal([1, 2], history.Select(h => h.To));
        Assert.Equal(["test", "learner"], history.Select(h => h.By));
    }
}
