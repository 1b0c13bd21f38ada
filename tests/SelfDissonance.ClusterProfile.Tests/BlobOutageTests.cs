using System.Net;
using SelfDissonance.Client.Contracts;
using SelfDissonance.Learning;
using SelfDissonance.Tasks;
using SelfDissonance.Testing;
using static SelfDissonance.Testing.Api;

namespace SelfDissonance.ClusterProfile.Tests;

/// <summary>With the blob service down a silo keeps serving the models it has; learning waits and promotes once it is back.</summary>
public sealed class BlobOutageTests(ClusterServices services)
{
    [Fact]
    public async Task Serving_continues_and_promotion_waits_while_blob_storage_is_down()
    {
        await using var cluster = new ProcessCluster(services, silos: 1, new Dictionary<string, string?>
        {
            ["SelfDissonance__Blob__MaxRetries"] = "1",
            ["SelfDissonance__Blob__NetworkTimeout"] = "00:00:02",
            // Learning only when asked, so no timer cycle takes a learn request's rows first.
            ["SelfDissonance__Learning__CycleInterval"] = "00:10:00",
        });
        await cluster.StartAsync();
        var http = cluster.Silos[0].Http;
        const string task = "outage";
        var data = TwoMoons.Generate(600, seed: 8);
        await http.CreateTwoMoonsTaskAsync(task, new PolicyUpdate { KlEps = 10, GoldenTolerance = 1, MinBatch = 1_000_000, MaxDissonance = 1, DBudgetPerHour = 1_000_000 });
        await http.BootstrapAsync(task, data[..60], data[60..360]);
        await RunEpisodesAsync(http, task, data, 360, 400);
        await Eventually.ReturnsAsync(() => http.MetricsAsync(task), m => m.Learner.EventsConsumed == 40, TimeSpan.FromSeconds(30), "the learner consuming 40 episodes");
        var v2 = await (await http.PostAsync($"/v1/tasks/{task}/learn", null, Ct)).ReadAsync<LearnResponse>();
        Assert.Equal(2, v2.Proposer!.Version);

        await services.Azurite.StopAsync();
        try
        {
            var served = await RunEpisodesAsync(http, task, data, 400, 520);
            Assert.All(served, e => Assert.Equal(2, e.ProposerVersion));

            await Eventually.ReturnsAsync(() => http.MetricsAsync(task), m => m.Learner.EventsConsumed == 160, TimeSpan.FromSeconds(30), "the learner consuming 160 episodes");
            var waiting = await (await http.PostAsync($"/v1/tasks/{task}/learn", null, Ct)).ReadAsync<LearnResponse>();
            Assert.NotEqual(LearningOutcomes.Promoted, waiting.Outcome);
            Assert.Contains(RejectionReasons.StoreUnavailable, waiting.Proposer!.Reasons);

            // A rollback must verify its target's bytes first; with the store down it is refused and production stays.
            var rollback = await http.PostAsync($"/v1/tasks/{task}/models/proposer/rollback", null, Ct);
            await rollback.ProblemAsync(HttpStatusCode.ServiceUnavailable, ReasonCodes.StoreUnavailable);
            var task2 = await (await http.GetAsync($"/v1/tasks/{task}", Ct)).ReadAsync<TaskResponse>();
            Assert.Equal(2, task2.Production.Proposer);
        }
        finally
        {
            await services.Azurite.StartAsync();
        }

        // Back: the data that waited is learned and promoted.
        var promoted = await (await http.PostAsync($"/v1/tasks/{task}/learn", null, Ct)).ReadAsync<LearnResponse>();
        Assert.Equal(LearningOutcomes.Promoted, promoted.Outcome);
        var after = await (await http.PostJsonAsync($"/v1/tasks/{task}/predict", """{"features":{"x":0.5,"y":0.25}}""")).ReadAsync<PredictResponse>();
        Assert.Equal(promoted.Proposer!.Version, after.ProposerVersion);
        Assert.Equal(3, after.ProposerVersion);
    }

    private static async Task<List<EpisodeResponse>> RunEpisodesAsync(HttpClient http, string task, List<LabeledExample> data, int from, int to)
    {
        var served = new List<EpisodeResponse>();
        for (var i = from; i < to; i++)
        {
            served.Add(await (await http.PostAsync($"/v1/tasks/{task}/episodes", new EpisodeRequest(Features(data[i]), TwoMoons.Classes[data[i].Label], $"o-{i}"))).ReadAsync<EpisodeResponse>());
        }

        return served;
    }
}
