using System.Diagnostics;
using System.Net;
using System.Text.Json;
using SelfDissonance.Client.Contracts;
using SelfDissonance.Episodes;
using SelfDissonance.Learning;
using SelfDissonance.Models;
using SelfDissonance.Runtime;
using SelfDissonance.Testing;
using static SelfDissonance.Testing.Api;

namespace SelfDissonance.ClusterProfile.Tests;

/// <summary>
/// Three silo processes on each multi-silo profile (Redis and Azurite, or Azurite alone); sync episodes, batch submissions and feedback through the gateways; one
/// silo killed with SIGKILL in the middle. Nothing acknowledged may be lost, nothing may be learned twice, surviving
/// gateways stop failing once membership has converged, and the learner keeps promoting.
/// </summary>
public sealed class ChaosTests(ClusterServices services, ITestOutputHelper output)
{
    private const string TaskId = "chaos";

    [Theory]
    [InlineData(Profiles.Cluster)]
    [InlineData(Profiles.Azure)]
    public async Task Killing_a_silo_under_load_loses_nothing_acknowledged_and_learns_nothing_twice(string profile)
    {
        await using var cluster = new ProcessCluster(services, silos: 3, profile: profile);
        await cluster.StartAsync();
        var client = await cluster.ConnectClientAsync();
        var http = cluster.Silos[0].Http;
        var data = TwoMoons.Generate(3000, seed: 21);
        // Promotion is the point here, not model quality: a wide trust region and golden tolerance let cycles promote.
        await http.CreateTwoMoonsTaskAsync(TaskId, new PolicyUpdate { KlEps = 10, GoldenTolerance = 1, MinBatch = 150, MaxDissonance = 1, DBudgetPerHour = 10_000_000 });
        await http.BootstrapAsync(TaskId, data[..100], data[100..300]);

        var victim = cluster.Silos[2];
        var management = client.GetGrain<IManagementGrain>(0);
        // The management grain answers from one silo's membership view, which may not list a just-started silo yet.
        var hosts = await Eventually.ReturnsAsync(() => management.GetHosts(true, Ct), h => h.Keys.Any(a => a.Endpoint.Port == victim.SiloPort), TimeSpan.FromSeconds(30), "the victim silo in the membership view");
        var victimAddress = hosts.Keys.Single(a => a.Endpoint.Port == victim.SiloPort);

        var load = new GatewayLoad(cluster.Silos, TaskId, data[300..]);
        using var stop = new CancellationTokenSource();
        var running = load.RunAsync(syncWorkers: 4, stop.Token);
        // At least 8 s of load, and enough of it that the kill lands among a few hundred acknowledged episodes: Azurite
        // takes episodes slower than Redis, so the load runs by count as well as by time.
        await Task.Delay(TimeSpan.FromSeconds(8), Ct);
        await Eventually.ReturnsAsync(() => Task.FromResult(Acknowledged(load)), n => n >= 300, TimeSpan.FromSeconds(60), "300 acknowledged episodes before the kill");

        // Episodes whose grains live on the victim: after the kill they must be served again from storage elsewhere.
        var onVictim = new List<string>();
        foreach (var id in load.AckedSync.Keys.Take(400))
        {
            if (await management.GetActivationAddress(client.GetGrain<IEpisodeGrain>(id), Ct) == victimAddress)
            {
                onVictim.Add(id);
            }
        }

        var killedAt = load.Now;
        var killedWall = DateTimeOffset.UtcNow;
        victim.Kill();
        var detect = WhenAsync(async () => !(await management.GetHosts(onlyActive: true)).ContainsKey(victimAddress), TimeSpan.FromSeconds(60), "membership declaring the killed silo dead");
        var serve = WhenAsync(async () => (await Task.WhenAll(onVictim.Take(20).Select(id => cluster.Silos[0].Http.GetAsync($"/v1/episodes/{id}", Ct)))).All(r => r.StatusCode == HttpStatusCode.OK), TimeSpan.FromSeconds(60), "episodes of the killed silo being served again");
        var timeToDetect = await detect;
        var timeToServe = await serve;
        // The management grain answers from one silo's view. The other survivor learns of the death by gossip or, at the
        // latest, its next membership table read (TableRefreshTimeout, 2 s with Fast detection); until then a call it
        // routes to the dead silo is rejected once (503, retried by the client). Converged means every survivor knows.
        var convergedAt = killedAt + (timeToDetect ?? TimeSpan.FromMinutes(10)) + TimeSpan.FromSeconds(2);

        await Task.Delay(TimeSpan.FromSeconds(10), Ct);
        await Eventually.ReturnsAsync(() => Task.FromResult(Acknowledged(load)), n => n >= 600, TimeSpan.FromSeconds(60), "600 acknowledged episodes in all");
        stop.Cancel();
        await running;
        var survivors = cluster.Silos.Take(2).ToList();

        // Every acknowledged episode is completed (queued ones may still be draining after the load stops).
        var acked = load.AckedSync.Keys.Concat(load.AckedBatch.Keys).ToList();
        var records = await AcknowledgedEpisodes.ReadCompletedAsync(survivors, acked, TimeSpan.FromSeconds(150));
        var lost = acked.Count - records.Count;

        // Every learnable acknowledged episode reached the learner, and was taken exactly once however often it was delivered.
        var learner = client.GetGrain<ILearnerGrain>(TaskId);
        var learnable = records.Values.Where(r => r.Gate?.Allowed == true).Select(r => r.Id).ToList();
        var consumed = new Dictionary<string, int>();
        await WhenAsync(async () =>
        {
            foreach (var id in learnable.Where(id => consumed.GetValueOrDefault(id) == 0))
            {
                consumed[id] = await learner.GetConsumedCountAsync(id);
            }

            return consumed.Values.All(c => c > 0);
        }, TimeSpan.FromSeconds(90), "every learnable episode reaching the learner");
        var duplicatesLearned = consumed.Values.Sum(c => Math.Max(0, c - 1));
        var status = await learner.GetStatusAsync();

        // Feedback acknowledged is stored on its episode.
        var feedbackMissing = load.AckedFeedback.Count(f => records.TryGetValue(f.Key, out var r) && r.FeedbackLabel != f.Value);

        // The learner still promotes after the kill.
        var promotedAfterKill = await WhenAsync(async () =>
        {
            var models = await (await survivors[1].Http.GetAsync($"/v1/tasks/{TaskId}/models", Ct)).ReadAsync<ModelsResponse>();
            if (models.Proposer.History.Any(h => h.At > killedWall && h.Action == ProductionActions.Promoted))
            {
                return true;
            }

            await survivors[0].Http.PostAsync($"/v1/tasks/{TaskId}/learn", null, Ct);
            return false;
        }, TimeSpan.FromSeconds(60), "a promotion after the kill");

        // Where anything missing stands, so a failure explains itself.
        var missing = new Dictionary<string, int>();
        foreach (var id in acked.Where(id => !records.ContainsKey(id)).Take(200))
        {
            var answer = await survivors[0].Http.GetAsync($"/v1/episodes/{id}", Ct);
            var key = answer.StatusCode == HttpStatusCode.OK ? JsonSerializer.Deserialize<EpisodeRecordResponse>(await answer.Content.ReadAsStringAsync(Ct), Json)!.Status : ((int)answer.StatusCode).ToString(System.Globalization.CultureInfo.InvariantCulture);
            missing[key] = missing.GetValueOrDefault(key) + 1;
        }

        var queues = Profiles.IsAzure(profile)
            ? await AzureQueueDepths.DescribeAsync(services.Azurite.ConnectionString, cluster.ClusterId)
            : await StreamQueues.DescribeAsync(services.Redis.ConnectionString, cluster.ClusterId);
        var errorsAfterConvergence = load.ServerErrors.Where(e => e.StartedAt > convergedAt && e.Gateway != victim.Name).ToList();
        var report = new
        {
            profile,
            acknowledged = acked.Count,
            sync = load.AckedSync.Count,
            batch = load.AckedBatch.Count,
            feedback = load.AckedFeedback.Count,
            lost,
            learnable = learnable.Count,
            duplicatesLearned,
            redeliveriesIgnored = status.DuplicatesIgnored,
            clientRetries = load.Retries,
            serverErrorsBeforeConvergence = load.ServerErrors.Count(e => e.StartedAt <= convergedAt),
            serverErrorsAfterConvergenceAtSurvivors = errorsAfterConvergence.Count,
            detectDeathSeconds = timeToDetect is { } d ? Math.Round(d.TotalSeconds, 2) : (double?)null,
            grainsOfDeadSiloServedAgainSeconds = timeToServe is { } t ? Math.Round(t.TotalSeconds, 2) : (double?)null,
            learnableNotReachingLearner = consumed.Values.Count(c => c == 0),
            feedbackMissing,
            promotedAfterKill = promotedAfterKill is not null,
            episodesOnKilledSilo = onVictim.Count,
            learnerEventsConsumed = status.EventsConsumed,
            learnerCycles = status.Cycles,
            missingByStatus = missing,
            queues,
        };
        var json = JsonSerializer.Serialize(report);
        output.WriteLine(json);
        Report.Write($"chaos-{profile.ToLowerInvariant()}", json);
        foreach (var silo in cluster.Silos)
        {
            Report.Write($"chaos-{profile.ToLowerInvariant()}-{silo.Name}.log", silo.Tail(400));
        }

        Assert.True(acked.Count > 500, $"too little load to mean anything: {json}");
        Assert.Equal(0, lost);
        Assert.Equal(0, report.learnableNotReachingLearner);
        Assert.Equal(0, duplicatesLearned);
        Assert.Equal(0, feedbackMissing);
        Assert.True(errorsAfterConvergence.Count == 0, $"5xx at surviving gateways after convergence (converged at {convergedAt}): {JsonSerializer.Serialize(errorsAfterConvergence.Take(5).Select(e => new { startedAt = e.StartedAt, gateway = e.Gateway, status = e.Status, body = e.Body }))}");
        Assert.True(report.detectDeathSeconds < 10, $"death detected after {report.detectDeathSeconds} s: {json}");
        Assert.True(onVictim.Count > 0, "no sampled episode lived on the killed silo");
        Assert.NotNull(report.grainsOfDeadSiloServedAgainSeconds);
        Assert.True(report.promotedAfterKill, $"no promotion after the kill: {json}");
    }

    /// <summary>Polls until the condition holds; returns how long that took, or null when it never did (the report says what).</summary>
    private static int Acknowledged(GatewayLoad load) => load.AckedSync.Count + load.AckedBatch.Count;

    private async Task<TimeSpan?> WhenAsync(Func<Task<bool>> condition, TimeSpan timeout, string what)
    {
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < timeout)
        {
            if (await condition())
            {
                return clock.Elapsed;
            }

            await Task.Delay(100, Ct);
        }

        output.WriteLine($"{what} did not happen within {timeout.TotalSeconds:0} s");
        return null;
    }
}
