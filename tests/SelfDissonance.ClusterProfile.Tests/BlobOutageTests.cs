using SelfDissonance.Client.Contracts;
using SelfDissonance.Learning;
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
        });
        await cluster.StartAsync();
        var http = cluster.Silos[0].Http;
        const string task = "outage";
        var data = TwoMoons.Generate(600, seed: 8);
        await http.CreateTwoMoonsTaskAsync(task, new PolicyUpdate { KlEps = 10, GoldenTolerance = 1, MinBatch = 1_000_000, MaxDissonance = 1, DBudgetPerHour = 1_000_000 });
        await http.BootstrapAsync(task, data[..60], data[60..360]);

        await services.Azurite.StopAsync();
        try
        {
            for (var i = 360; i < 480; i++)
            {
                var served = await (await http.PostAsync($"/v1/tasks/{task}/episodes", new EpisodeRequest(Features(data[i]), TwoMoons.Classes[data[i].Label], $"o-{i}"))).ReadAsync<EpisodeResponse>();
                Assert.Equal(1, served.ProposerVersion);
            }

            await Eventually.ReturnsAsync(() => http.MetricsAsync(task), m => m.Learner.EventsConsumed == 120, TimeSpan.FromSeconds(30), "the learner consuming 120 episodes");
            var waiting = await (await http.PostAsync($"/v1/tasks/{task}/learn", null, Ct)).ReadAsync<LearnResponse>();
            Assert.NotEqual(LearningOutcomes.Promoted, waiting.Outcome);
            Assert.Contains(RejectionReasons.StoreUnavailable, waiting.Proposer!.Reasons);
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
    }
}
