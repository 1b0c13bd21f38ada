using System.Text.Json;
using Microsoft.Extensions.Configuration;
using Orleans.TestingHost;
using SelfDissonance.Learning;
using SelfDissonance.Models;
using SelfDissonance.Policy;
using SelfDissonance.Runtime;
using SelfDissonance.Tasks;
using SelfDissonance.Testing;

namespace SelfDissonance.Cluster.Tests;

/// <summary>
/// A labeled stream with 30% of its labels flipped, learned with real ML.NET training in an in-process cluster: the
/// production proposer's golden accuracy must not fall more than rollbackDrop, without the label-noise guard (the default:
/// the golden gate and trust region are all that stand in the way) and with it (on a cluster of its own, also for the
/// clean baseline). The figures go to .data/reports/poisoning.json.
/// </summary>
public sealed class PoisoningTests(ClusterFixture fixture, ITestOutputHelper output)
{
    private const double FlipShare = 0.3;
    private const double GuardConfidence = 0.9;
    private static readonly TimeSpan s_streamTimeout = TimeSpan.FromSeconds(180);

    // Cycles run when the test says (after the whole stream), so consumption never waits behind training on a busy machine.
    private static readonly PolicyPatch s_policy = new() { MaxDissonance = 1, DBudgetPerHour = 10_000_000, MinBatch = 1_000_000 };

    [Fact]
    public async Task A_stream_with_30_percent_flipped_labels_does_not_lower_production_golden_accuracy_beyond_rollbackDrop()
    {
        var pool = TwoMoons.Generate(860, seed: 31);
        var golden = TwoMoons.Generate(600, seed: 32);
        var bootstrap = pool[..60];
        var stream = pool[60..];
        var flipped = new Random(33).GetItems(Enumerable.Range(0, stream.Count).ToArray(), stream.Count).Distinct().Take((int)(stream.Count * FlipShare)).ToHashSet();
        Assert.Equal((int)(stream.Count * FlipShare), flipped.Count);

        // The guard is off by default (the shared cluster); a cluster of its own turns it on.
        var unguarded = await RunAsync(fixture.Client, "poison-unguarded", bootstrap, golden, stream, flipped);
        using var guardedData = new TempDirectory("sd-poison");
        await using var guardedCluster = await StartClusterAsync(guardedData.Path, GuardConfidence);
        var clean = await RunAsync(guardedCluster.Client, "poison-clean", bootstrap, golden, stream, []);
        var guarded = await RunAsync(guardedCluster.Client, "poison-guarded", bootstrap, golden, stream, flipped);

        var rollbackDrop = TaskPolicy.Default.RollbackDrop;
        var report = new
        {
            stream = stream.Count,
            flippedLabels = flipped.Count,
            rollbackDrop,
            labelGuardConfidence = GuardConfidence,
            clean,
            guarded,
            unguarded,
        };
        var json = JsonSerializer.Serialize(report, new JsonSerializerOptions { WriteIndented = true });
        Report.Write("poisoning", json);
        output.WriteLine(json);

        foreach (var run in new[] { clean, guarded, unguarded })
        {
            Assert.True(run.ProductionGolden >= run.BootstrapGolden - rollbackDrop,
                $"{run.Task}: production golden {run.ProductionGolden:P2} fell more than rollbackDrop below bootstrap {run.BootstrapGolden:P2}");
        }

        // Every promotion passed the golden gate, and every rejected candidate says why.
        foreach (var run in new[] { clean, guarded, unguarded })
        {
            Assert.All(run.Rejected, r => Assert.NotEmpty(r.Reasons));
            Assert.All(run.PromotedGolden, p => Assert.True(p.Golden >= p.Production - TaskPolicy.Default.GoldenTolerance - 1e-9, $"{run.Task}: promoted {p.Golden:P2} against production {p.Production:P2}"));
        }

        Assert.Equal(0, unguarded.Quarantined);

        // The guard holds most flipped labels and few true ones, and the held ones are visible in the task's metrics.
        Assert.True(guarded.QuarantinedFlipped >= flipped.Count / 2, $"the guard held {guarded.QuarantinedFlipped} of {flipped.Count} flipped labels");
        Assert.True(guarded.QuarantinedTrue <= (stream.Count - flipped.Count) / 20, $"the guard held {guarded.QuarantinedTrue} true labels");
        Assert.True(clean.Quarantined <= stream.Count / 20, $"on clean data the guard held {clean.Quarantined} labels");
    }

    private async Task<RunResult> RunAsync(IClusterClient client, string task, List<LabeledExample> bootstrap, List<LabeledExample> golden, List<LabeledExample> stream, HashSet<int> flipped)
    {
        var grains = client.GetGrain<ITaskGrain>(task);
        await grains.CreateAsync(TwoMoons.Task(task), s_policy);
        var boot = await grains.BootstrapAsync(new BootstrapCommand([.. bootstrap], [.. golden], "test"));

        var items = stream.Select((row, i) => ($"{task}-{i}", flipped.Contains(i) ? row with { Label = 1 - row.Label } : row, true)).ToList();
        var results = await Episodes.RunManyAsync(client, task, items);
        var learnable = results.Count(r => r.Record.Gate!.Allowed);
        var learner = client.GetGrain<ILearnerGrain>(task);
        await Eventually.ReturnsAsync(learner.GetStatusAsync, s => s.EventsConsumed == learnable, s_streamTimeout, $"{task}: the learner consuming every learnable episode");

        var cycles = new List<LearningCycleResult>();
        for (var i = 0; i < 8; i++)
        {
            var cycle = await learner.LearnNowAsync("test");
            cycles.Add(cycle);
            if (cycle.Outcome == LearningOutcomes.NothingToLearn)
            {
                break;
            }
        }

        var status = await learner.GetStatusAsync();
        var all = status.RecentCycles.Concat(cycles).DistinctBy(c => c.Cycle).Where(c => c.Proposer is not null).ToList();
        var rejected = all.Select(c => c.Proposer!).Where(p => p.Outcome == LearningOutcomes.Rejected)
            .Select(p => new RejectedCandidate(p.GoldenAccuracy, p.ProductionGoldenAccuracy, p.Reasons.ToArray())).ToList();
        var production = (await client.GetGrain<IModelRegistryGrain>(ModelRoles.RegistryKey(task, ModelRole.Proposer)).GetServingAsync()).Production!;

        var quarantined = status.Quarantined;
        var quarantinedIds = await learner.GetQuarantinedAsync();
        var run = new RunResult(
            task,
            boot.Proposer.Lineage.GoldenAccuracy,
            production.Lineage.GoldenAccuracy,
            production.Version,
            all.Count(c => c.Proposer!.Outcome is LearningOutcomes.Promoted or LearningOutcomes.Canary),
            rejected,
            [.. all.Select(c => c.Proposer!).Where(p => p.Outcome is LearningOutcomes.Promoted or LearningOutcomes.Canary).Select(p => new PromotedCandidate(p.GoldenAccuracy, p.ProductionGoldenAccuracy ?? 0))],
            quarantined,
            quarantinedIds.Count(id => flipped.Contains(Index(id))),
            quarantinedIds.Count(id => !flipped.Contains(Index(id))),
            status.LabeledRows);
        output.WriteLine($"{task}: bootstrap {run.BootstrapGolden:P2} -> production v{run.ProductionVersion} {run.ProductionGolden:P2}; promoted {run.Promoted}, rejected {rejected.Count}; quarantined {quarantined}");
        return run;

        static int Index(string id) => int.Parse(id[(id.LastIndexOf('-') + 1)..], System.Globalization.CultureInfo.InvariantCulture);
    }

    private static async Task<InProcessTestCluster> StartClusterAsync(string dataDirectory, double labelGuardConfidence)
    {
        var settings = ClusterFixture.Settings(dataDirectory);
        settings["SelfDissonance:Learning:LabelGuardConfidence"] = labelGuardConfidence.ToString(System.Globalization.CultureInfo.InvariantCulture);
        var builder = new InProcessTestClusterBuilder(1);
        builder.ConfigureSiloHost((_, host) => host.Configuration.AddInMemoryCollection(settings));
        builder.ConfigureSilo((_, silo) => silo.AddSelfDissonance());
        // A cycle over the whole stream on a busy 2-core machine can outlast Orleans' default 30 s response timeout.
        builder.ConfigureClient(client => client.Configure<Orleans.Configuration.ClientMessagingOptions>(o => o.ResponseTimeout = TimeSpan.FromMinutes(5)));
        var cluster = builder.Build();
        await cluster.DeployAsync();
        return cluster;
    }

    private sealed record PromotedCandidate(double Golden, double Production);

    private sealed record RejectedCandidate(double GoldenAccuracy, double? ProductionGoldenAccuracy, string[] Reasons);

    private sealed record RunResult(
        string Task,
        double BootstrapGolden,
        double ProductionGolden,
        int ProductionVersion,
        int Promoted,
        List<RejectedCandidate> Rejected,
        List<PromotedCandidate> PromotedGolden,
        int Quarantined,
        int QuarantinedFlipped,
        int QuarantinedTrue,
        int TrainedLabeledRows);
}
