using System.Net;
using System.Text.Json;
using SelfDissonance.Client.Contracts;
using SelfDissonance.Learning;
using SelfDissonance.Runtime;
using SelfDissonance.Testing;
using static SelfDissonance.Testing.Api;

namespace SelfDissonance.ClusterProfile.Tests;

/// <summary>Everything a cluster knows lives in its storage (Redis and blob storage, or Azure Table and Blob storage): stopping every silo and starting them again loses nothing.</summary>
public sealed class ClusterRestartTests(ClusterServices services)
{
    [Theory]
    [InlineData(Profiles.Cluster)]
    [InlineData(Profiles.Azure)]
    public async Task Models_policy_registry_history_and_episodes_survive_a_restart_of_the_whole_cluster(string profile)
    {
        // Learning only when asked: a timer cycle between the learner's catch-up and the learn request would leave it nothing.
        await using var cluster = new ProcessCluster(services, silos: 2, new Dictionary<string, string?> { ["SelfDissonance__Learning__CycleInterval"] = "00:10:00" }, profile);
        await cluster.StartAsync();
        var a = cluster.Silos[0].Http;
        var b = cluster.Silos[1].Http;
        const string task = "restart";
        var data = TwoMoons.Generate(700, seed: 5);
        await a.CreateTwoMoonsTaskAsync(task, new PolicyUpdate { KlEps = 10, GoldenTolerance = 1, MinBatch = 1_000_000, MaxDissonance = 1, DBudgetPerHour = 1_000_000 });
        await b.BootstrapAsync(task, data[..60], data[60..360]);
        for (var i = 360; i < 520; i++)
        {
            var http = i % 2 == 0 ? a : b;
            (await http.PostAsync($"/v1/tasks/{task}/episodes", new EpisodeRequest(Features(data[i]), TwoMoons.Classes[data[i].Label], $"r-{i}"))).EnsureSuccessStatusCode();
        }

        var queued = Enumerable.Range(520, 40).Select(i => new EpisodeRequest(Features(data[i]), TwoMoons.Classes[data[i].Label], $"r-{i}")).ToList();
        await (await b.PostAsync($"/v1/tasks/{task}/episodes:batch", queued)).ReadAsync<BatchAcceptedResponse>(HttpStatusCode.Accepted);
        await Eventually.ReturnsAsync(() => a.MetricsAsync(task), m => m.Learner.EventsConsumed == 200, TimeSpan.FromSeconds(60), "the learner consuming 200 episodes");
        var learned = await (await a.PostAsync($"/v1/tasks/{task}/learn", null, Ct)).ReadAsync<LearnResponse>();
        Assert.Equal(LearningOutcomes.Promoted, learned.Outcome);
        await (await b.PutAsync($"/v1/tasks/{task}/policy?reason=restart-test", new PolicyUpdate { MinBatch = 77 })).ReadAsync<PolicyResponse>();
        await (await a.PostAsync($"/v1/tasks/{task}/models/critic/rollback?reason=restart-test", null, Ct)).ReadAsync<RollbackResponse>();

        var before = await SnapshotAsync(a, task);
        await cluster.StopAllAsync();
        await cluster.StartAsync();
        var after = await SnapshotAsync(cluster.Silos[1].Http, task);

        Assert.Equal(before.Models, after.Models);
        Assert.Equal(before.Policy, after.Policy);
        Assert.Equal(before.PolicyHistory, after.PolicyHistory);
        Assert.Equal(before.Episodes, after.Episodes);
        Assert.Contains("\"minBatch\":77", after.Policy, StringComparison.Ordinal);

        // The restored learner has every row it consumed and goes on learning from there.
        var metrics = await cluster.Silos[0].Http.MetricsAsync(task);
        Assert.Equal(260, metrics.Learner.LabeledRows);
        var next = await (await cluster.Silos[0].Http.PostAsync($"/v1/tasks/{task}/learn", null, Ct)).ReadAsync<LearnResponse>();
        Assert.Equal(LearningOutcomes.NothingToLearn, next.Outcome);
        var predicted = await (await cluster.Silos[0].Http.PostJsonAsync($"/v1/tasks/{task}/predict", """{"features":{"x":0.5,"y":0.25}}""")).ReadAsync<PredictResponse>();
        Assert.Equal(learned.Proposer!.Version, predicted.ProposerVersion);
    }

    private static async Task<(string Models, string Policy, string PolicyHistory, string Episodes)> SnapshotAsync(HttpClient http, string task)
    {
        var models = await (await http.GetAsync($"/v1/tasks/{task}/models", Ct)).Content.ReadAsStringAsync(Ct);
        var policy = await (await http.GetAsync($"/v1/tasks/{task}/policy", Ct)).Content.ReadAsStringAsync(Ct);
        var history = await (await http.GetAsync($"/v1/tasks/{task}/policy/history", Ct)).Content.ReadAsStringAsync(Ct);
        var episodes = new List<string>();
        foreach (var i in new[] { 360, 401, 519, 520, 559 })
        {
            var record = await (await http.GetAsync($"/v1/episodes/r-{i}", Ct)).ReadAsync<EpisodeRecordResponse>();
            Assert.Equal("completed", record.Status);
            episodes.Add(JsonSerializer.Serialize(record with { Lineage = new EpisodeLineage(null, null) }, Json));
        }

        return (models, policy, history, string.Join('\n', episodes));
    }
}
