using System.Diagnostics;
using System.Text.Json;
using SelfDissonance.Client.Contracts;
using SelfDissonance.Testing;
using static SelfDissonance.Testing.Api;

namespace SelfDissonance.ClusterProfile.Tests;

/// <summary>
/// Pod behaviour on processes. A rollout: three silos under load, each stopped with SIGTERM and started again in turn, as a Kubernetes
/// rolling update with maxUnavailable 0 does. A client that retries on another gateway sees no failed request, nothing
/// acknowledged is lost, and each silo drains (readiness false, in-flight requests done, cluster left) in good time.
/// Scaling: a fourth silo joins under load, takes grains and stream queues, and leaves again without a loss.
/// </summary>
public sealed class RollingRestartTests(ClusterServices services, ITestOutputHelper output)
{
    private const string TaskId = "rolling";

    /// <summary>The silos' own stop budget; Kubernetes' grace period (terminationGracePeriodSeconds) is longer.</summary>
    private static readonly TimeSpan s_shutdownTimeout = TimeSpan.FromSeconds(20);

    // A stop slower than this keeps the stopping silo's last log lines in the report.
    private static readonly TimeSpan s_slowStop = TimeSpan.FromSeconds(8);

    [Fact]
    public async Task Restarting_every_silo_in_turn_under_load_fails_no_request_and_loses_nothing()
    {
        await using var cluster = await StartClusterAsync();
        var data = TwoMoons.Generate(2000, seed: 31);
        await PrepareTaskAsync(cluster, TaskId, data);

        var load = new GatewayLoad(cluster.Silos, TaskId, data[300..]);
        using var stop = new CancellationTokenSource();
        var running = load.RunAsync(syncWorkers: 4, stop.Token);
        await Task.Delay(TimeSpan.FromSeconds(4), Ct);

        var drains = new List<(string Silo, double Seconds, double ReadyAgainSeconds)>();
        var slowStops = new List<object>();
        foreach (var silo in cluster.Silos)
        {
            var clock = Stopwatch.StartNew();
            await silo.StopAsync();
            var drained = clock.Elapsed;
            Assert.False(silo.IsRunning, $"{silo.Name} did not exit on SIGTERM within 30 s");
            if (drained > s_slowStop)
            {
                // What held it: the stopping process's last lines (its log is gone once the silo starts again).
                slowStops.Add(new { silo = silo.Name, seconds = Math.Round(drained.TotalSeconds, 2), log = silo.Output.TakeLast(80).ToList() });
            }

            await silo.StartAsync(TimeSpan.FromSeconds(60));
            load.Down.TryRemove(silo.Name, out _);
            drains.Add((silo.Name, Math.Round(drained.TotalSeconds, 2), Math.Round(clock.Elapsed.TotalSeconds, 2)));
            await Task.Delay(TimeSpan.FromSeconds(3), Ct);
        }

        stop.Cancel();
        await running;

        var acked = load.AckedSync.Keys.Concat(load.AckedBatch.Keys).ToList();
        var records = await AcknowledgedEpisodes.ReadCompletedAsync(cluster.Silos, acked, TimeSpan.FromSeconds(120));
        var lost = acked.Count - records.Count;
        var feedbackMissing = load.AckedFeedback.Count(f => !records.TryGetValue(f.Key, out var r) || r.FeedbackLabel != f.Value);
        var lostIds = acked.Where(id => !records.ContainsKey(id)).ToList();
        var lostSample = await AcknowledgedEpisodes.DescribeAsync(cluster.Silos[0], lostIds.Take(10));
        if (lostIds.Count > 0)
        {
            lostSample.AddRange(await AcknowledgedEpisodes.TraceQueueEntriesAsync(services.Redis.ConnectionString, $"{cluster.ClusterId}:streams:sd", 8, lostIds.Where(id => id.StartsWith('b')).Take(10)));
        }

        var report = new
        {
            requests = load.Succeeded + load.Failed,
            succeeded = load.Succeeded,
            failed = load.Failed,
            serverErrorsRetried = load.ServerErrors.Count,
            clientRetries = load.Retries,
            acknowledged = acked.Count,
            lost,
            lostSample,
            feedbackMissing,
            drains = drains.Select(d => new { silo = d.Silo, drainSeconds = d.Seconds, stoppedAndReadyAgainSeconds = d.ReadyAgainSeconds }),
            slowStops,
        };
        var json = JsonSerializer.Serialize(report);
        output.WriteLine(json);
        Report.Write("rolling-restart", json);

        Assert.True(acked.Count > 500, $"too little load to mean anything: {json}");
        Assert.Equal(0, load.Failed);
        Assert.Equal(0, lost);
        Assert.Equal(0, feedbackMissing);
        // Each silo is gone within its own stop budget plus the process exit, so Kubernetes never kills one; a stop may
        // use the whole budget (seen in CI: 20.4 s while the task was learning under the load) and loses nothing.
        Assert.All(drains, d => Assert.True(d.Seconds < (s_shutdownTimeout + TimeSpan.FromSeconds(5)).TotalSeconds, $"{d.Silo} took {d.Seconds} s to stop: {json}"));
    }

    [Fact]
    public async Task Adding_and_removing_a_silo_under_load_rebalances_and_loses_nothing()
    {
        const string task = "scaling";
        await using var cluster = await StartClusterAsync();
        var management = (await cluster.ConnectClientAsync()).GetGrain<IManagementGrain>(0);
        var data = TwoMoons.Generate(2000, seed: 32);
        await PrepareTaskAsync(cluster, task, data);

        var load = new GatewayLoad(cluster.Silos, task, data[300..]);
        using var stop = new CancellationTokenSource();
        var running = load.RunAsync(syncWorkers: 4, stop.Token);
        await Task.Delay(TimeSpan.FromSeconds(3), Ct);

        // Scale out: the new silo joins, gets traffic, and takes activations (its own episodes, its share of queues).
        var fourth = cluster.AddSilo();
        await fourth.StartAsync(TimeSpan.FromSeconds(60));
        load.AddGateway(fourth);
        await Eventually.ReturnsAsync(() => management.GetHosts(true, Ct), h => h.Keys.Any(a => a.Endpoint.Port == fourth.SiloPort), TimeSpan.FromSeconds(30), "the new silo in the membership view");

        // Counted where the episode grain ran. A finished episode deactivates at once, so the live activation count on a
        // silo stays near the number in flight and says nothing about how many episodes the silo took.
        var episodesOnFourth = await Eventually.ReturnsAsync(
            async () => EpisodesCompleted(await fourth.Http.GetStringAsync("/metrics", Ct)),
            n => n > 50,
            TimeSpan.FromSeconds(60),
            "episodes run on the new silo");

        // Scale in: the load balancer takes it out first, then it gets SIGTERM.
        load.RemoveGateway(fourth);
        var clock = Stopwatch.StartNew();
        await fourth.StopAsync();
        var drained = clock.Elapsed;
        Assert.False(fourth.IsRunning);
        await Eventually.ReturnsAsync(() => management.GetHosts(true, Ct), hosts => hosts.Count == 3, TimeSpan.FromSeconds(30), "the cluster back to three silos");
        await Task.Delay(TimeSpan.FromSeconds(3), Ct);
        stop.Cancel();
        await running;

        var gateways = cluster.Silos.Take(3).ToList();
        var acked = load.AckedSync.Keys.Concat(load.AckedBatch.Keys).ToList();
        var records = await AcknowledgedEpisodes.ReadCompletedAsync(gateways, acked, TimeSpan.FromSeconds(120));
        var json = JsonSerializer.Serialize(new
        {
            requests = load.Succeeded + load.Failed,
            failed = load.Failed,
            serverErrorsRetried = load.ServerErrors.Count,
            acknowledged = acked.Count,
            lost = acked.Count - records.Count,
            episodesRunOnFourthSilo = episodesOnFourth,
            fourthSiloDrainSeconds = Math.Round(drained.TotalSeconds, 2),
        });
        output.WriteLine(json);
        Report.Write("scale-out-in", json);

        Assert.Equal(0, load.Failed);
        Assert.Equal(acked.Count, records.Count);
        // The silo is gone within its own stop budget (plus the process exit), so Kubernetes never has to kill it. A
        // stop may need the whole budget (once in CI: 20.6 s); nothing may be lost either way.
        Assert.True(drained < s_shutdownTimeout + TimeSpan.FromSeconds(5), json);
    }

    private static double EpisodesCompleted(string scrape) => scrape
        .Split('\n')
        .Where(line => line.StartsWith("sd_episodes_total{", StringComparison.Ordinal))
        .Sum(line => double.Parse(line[(line.LastIndexOf('}') + 2)..].Split(' ')[0], System.Globalization.CultureInfo.InvariantCulture));

    /// <summary>Three silo processes that drain for a second on SIGTERM, as the Kubernetes ConfigMap has them do.</summary>
    private async Task<ProcessCluster> StartClusterAsync()
    {
        var cluster = new ProcessCluster(services, silos: 3, new Dictionary<string, string?>
        {
            ["SelfDissonance__Silo__DrainDelay"] = "00:00:01",
            ["SelfDissonance__Silo__ShutdownTimeout"] = s_shutdownTimeout.ToString("c", System.Globalization.CultureInfo.InvariantCulture),
        });
        await cluster.StartAsync();
        return cluster;
    }

    /// <summary>A task that learns and promotes under the load (promotion is exercised, not model quality).</summary>
    private static async Task PrepareTaskAsync(ProcessCluster cluster, string task, IReadOnlyList<Tasks.LabeledExample> data)
    {
        await cluster.Silos[0].Http.CreateTwoMoonsTaskAsync(task, new PolicyUpdate { KlEps = 10, GoldenTolerance = 1, MinBatch = 150, MaxDissonance = 1, DBudgetPerHour = 10_000_000 });
        await cluster.Silos[0].Http.BootstrapAsync(task, data.Take(100), data.Skip(100).Take(200));
    }
}
