using System.Net;
using System.Text.Json;
using SelfDissonance.Client.Contracts;
using SelfDissonance.Learning;
using SelfDissonance.Runtime;
using SelfDissonance.Testing;
using static SelfDissonance.Testing.Api;

namespace SelfDissonance.ClusterProfile.Tests;

/// <summary>
/// The Azure profile with its whole storage account gone (Azurite stopped: Table, Blob and Queue at once) under load:
/// the silo leaves rotation (readiness 503) but stays alive, keeps predicting from the models it has cached, loses none
/// of the episodes it acknowledged, and learns again once storage is back.
/// </summary>
public sealed class AzureStorageOutageTests(ClusterServices services, ITestOutputHelper output)
{
    [Fact]
    public async Task Storage_outage_under_load_takes_the_silo_out_of_rotation_serves_cached_models_and_loses_nothing()
    {
        await using var cluster = new ProcessCluster(services, silos: 1, new Dictionary<string, string?>
        {
            ["SelfDissonance__Azure__MaxRetries"] = "1",
            ["SelfDissonance__Azure__NetworkTimeout"] = "00:00:05",
            ["SelfDissonance__Blob__MaxRetries"] = "1",
            ["SelfDissonance__Blob__NetworkTimeout"] = "00:00:05",
            ["SelfDissonance__Learning__CycleInterval"] = "00:10:00",
        }, Profiles.Azure);
        await cluster.StartAsync();
        var silo = cluster.Silos[0];
        var http = silo.Http;
        const string task = "azure-outage";
        var data = TwoMoons.Generate(900, seed: 9);
        await http.CreateTwoMoonsTaskAsync(task, new PolicyUpdate { KlEps = 10, GoldenTolerance = 1, MinBatch = 1_000_000, MaxDissonance = 1, DBudgetPerHour = 1_000_000 });
        await http.BootstrapAsync(task, data[..60], data[60..360]);
        for (var i = 360; i < 400; i++)
        {
            (await http.PostAsync($"/v1/tasks/{task}/episodes", new EpisodeRequest(Features(data[i]), TwoMoons.Classes[data[i].Label], $"pre-{i}"))).EnsureSuccessStatusCode();
        }

        await Eventually.ReturnsAsync(() => http.MetricsAsync(task), m => m.Learner.EventsConsumed == 40, TimeSpan.FromSeconds(60), "the learner consuming 40 episodes");
        var v2 = await (await http.PostAsync($"/v1/tasks/{task}/learn", null, Ct)).ReadAsync<LearnResponse>();
        Assert.Equal(LearningOutcomes.Promoted, v2.Outcome);
        var served = v2.Proposer!.Version;

        // Load through the outage: a careful client retries each request (same id) for up to a minute.
        var load = new GatewayLoad(cluster.Silos, task, data[400..]);
        using var stop = new CancellationTokenSource();
        var running = load.RunAsync(syncWorkers: 2, stop.Token);
        await Task.Delay(TimeSpan.FromSeconds(3), Ct);
        var ackedBefore = load.AckedSync.Count + load.AckedBatch.Count;

        var predictions = new List<int>();
        await services.Azurite.StopAsync();
        try
        {
            var down = await Eventually.ReturnsAsync(() => http.GetAsync("/readyz", Ct), r => r.StatusCode == HttpStatusCode.ServiceUnavailable, TimeSpan.FromSeconds(15), "readiness turning false without Azure storage");
            Assert.Equal("Unhealthy", await down.Content.ReadAsStringAsync(Ct));
            Assert.Equal(HttpStatusCode.OK, (await http.GetAsync("/healthz", Ct)).StatusCode);

            // Serving goes on from the silo's model cache: predictions need no storage.
            for (var i = 0; i < 20; i++)
            {
                var p = await (await http.PostAsync($"/v1/tasks/{task}/predict", new { features = Features(data[i]) })).ReadAsync<PredictResponse>();
                predictions.Add(p.ProposerVersion);
                await Task.Delay(250, Ct);
            }
        }
        finally
        {
            await services.Azurite.StartAsync();
        }

        await Eventually.ReturnsAsync(() => http.GetAsync("/readyz", Ct), r => r.StatusCode == HttpStatusCode.OK, TimeSpan.FromSeconds(60), "readiness turning true with Azure storage back");
        await Task.Delay(TimeSpan.FromSeconds(5), Ct);
        stop.Cancel();
        await running;

        // Nothing acknowledged is lost: every episode a gateway answered is completed, and every labeled one reaches the learner.
        var acked = load.AckedSync.Keys.Concat(load.AckedBatch.Keys).ToList();
        var records = await AcknowledgedEpisodes.ReadCompletedAsync(cluster.Silos, acked, TimeSpan.FromSeconds(120));
        var learner = (await cluster.ConnectClientAsync()).GetGrain<ILearnerGrain>(task);
        var learnable = records.Values.Where(r => r.Gate?.Allowed == true).Select(r => r.Id).ToList();
        var consumed = new Dictionary<string, int>();
        await Eventually.ReturnsAsync(async () =>
        {
            foreach (var id in learnable.Where(id => consumed.GetValueOrDefault(id) == 0))
            {
                consumed[id] = await learner.GetConsumedCountAsync(id);
            }

            return consumed.Values.Count(c => c == 0);
        }, missing => missing == 0, TimeSpan.FromSeconds(90), "every learnable acknowledged episode reaching the learner");

        // Learning resumes: the rows that waited are learned and promoted.
        var next = await (await http.PostAsync($"/v1/tasks/{task}/learn", null, Ct)).ReadAsync<LearnResponse>();
        var after = await (await http.PostJsonAsync($"/v1/tasks/{task}/predict", """{"features":{"x":0.5,"y":0.25}}""")).ReadAsync<PredictResponse>();

        var report = JsonSerializer.Serialize(new
        {
            acknowledged = acked.Count,
            ackedBeforeOutage = ackedBefore,
            lost = acked.Count - records.Count,
            learnable = learnable.Count,
            learnedTwice = consumed.Values.Sum(c => Math.Max(0, c - 1)),
            predictionsDuringOutage = predictions.Count,
            serverErrors = load.ServerErrors.Count,
            clientRetries = load.Retries,
            failed = load.Failed,
            outcomeAfter = next.Outcome,
        });
        output.WriteLine(report);
        Report.Write("azure-storage-outage", report);

        Assert.True(acked.Count > ackedBefore, $"no episode acknowledged after the outage began: {report}");
        Assert.Equal(acked.Count, records.Count);
        Assert.All(consumed.Values, c => Assert.Equal(1, c));
        Assert.All(predictions, v => Assert.Equal(served, v));
        Assert.Equal(LearningOutcomes.Promoted, next.Outcome);
        Assert.Equal(next.Proposer!.Version, after.ProposerVersion);
        Assert.True(after.ProposerVersion > served);
    }
}
