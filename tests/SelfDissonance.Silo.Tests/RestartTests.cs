using Microsoft.Extensions.DependencyInjection;
using System.Net;
using SelfDissonance.Client.Contracts;
using SelfDissonance.Learning;
using SelfDissonance.Testing;
using static SelfDissonance.Testing.Api;

namespace SelfDissonance.Silo.Tests;

/// <summary>The embedded default keeps tasks, models and episodes across a silo restart, and never serves bytes that fail their check.</summary>
public sealed class RestartTests
{
    private static async Task<(GatewayHost Host, PredictResponse V2)> HostWithTwoVersionsAsync(string task, Dictionary<string, string?>? settings = null)
    {
        // Versions are counted here: the learner's timer must not promote on its own while 200 episodes stream in on a
        // busy machine (the timer has its own test below).
        var host = new GatewayHost(settings ?? new() { ["SelfDissonance:Learning:CycleInterval"] = "00:10:00" });
        await host.StartAsync();
        var http = host.Http;
        var data = TwoMoons.Generate(700, seed: 13);
        await http.CreateTwoMoonsTaskAsync(task, new PolicyUpdate { KlEps = 10, GoldenTolerance = 1, MinBatch = 1_000_000, MaxDissonance = 1, DBudgetPerHour = 1_000_000 });
        await http.BootstrapAsync(task, data[..60], data[60..360]);
        for (var i = 360; i < 560; i++)
        {
            var row = Row(data[i]);
            (await http.PostAsync($"/v1/tasks/{task}/episodes", new EpisodeRequest(row.Features, row.Label, $"{task}-{i}"))).EnsureSuccessStatusCode();
        }

        await Eventually.ReturnsAsync(() => http.MetricsAsync(task), m => m.Learner.EventsConsumed == 200, TimeSpan.FromSeconds(30), "the learner consuming 200 episodes");
        var learn = await (await http.PostAsync($"/v1/tasks/{task}/learn", null, Ct)).ReadAsync<LearnResponse>();
        Assert.Equal(2, learn.Proposer!.Version);
        var v2 = await (await http.PostJsonAsync($"/v1/tasks/{task}/predict", """{"features":{"x":0.5,"y":0.25}}""")).ReadAsync<PredictResponse>();
        Assert.Equal(2, v2.ProposerVersion);
        return (host, v2);
    }

    [Fact]
    public async Task Models_tasks_and_episodes_survive_a_restart()
    {
        var (host, v2) = await HostWithTwoVersionsAsync("restart-survive");
        await using var _ = host;
        var modelsBefore = await (await host.Http.GetAsync("/v1/tasks/restart-survive/models", Ct)).ReadAsync<ModelsResponse>();

        await host.RestartAsync();

        var task = await (await host.Http.GetAsync("/v1/tasks/restart-survive", Ct)).ReadAsync<TaskResponse>();
        Assert.True(task.Bootstrapped);
        Assert.Equal(2, task.Production.Proposer);
        var models = await (await host.Http.GetAsync("/v1/tasks/restart-survive/models", Ct)).ReadAsync<ModelsResponse>();
        Assert.Equal(modelsBefore.Proposer.Versions.Select(v => (v.Version, v.Sha256, v.Stage)), models.Proposer.Versions.Select(v => (v.Version, v.Sha256, v.Stage)));
        Assert.Equal(modelsBefore.Proposer.History.Count, models.Proposer.History.Count);
        var predicted = await (await host.Http.PostJsonAsync("/v1/tasks/restart-survive/predict", """{"features":{"x":0.5,"y":0.25}}""")).ReadAsync<PredictResponse>();
        Assert.Equal(v2.Probabilities, predicted.Probabilities);
        var episode = await (await host.Http.GetAsync("/v1/episodes/restart-survive-400", Ct)).ReadAsync<EpisodeRecordResponse>();
        Assert.Equal("completed", episode.Status);
        var metrics = await host.Http.MetricsAsync("restart-survive");
        Assert.Equal(260, metrics.Learner.LabeledRows);

        // Learning goes on from the restored state: the next cycle has nothing new.
        var learn = await (await host.Http.PostAsync("/v1/tasks/restart-survive/learn", null, Ct)).ReadAsync<LearnResponse>();
        Assert.Equal(LearningOutcomes.NothingToLearn, learn.Outcome);
    }

    [Fact]
    public async Task A_tampered_production_artifact_is_refused_at_load_and_never_served()
    {
        var (host, _) = await HostWithTwoVersionsAsync("restart-tamper");
        await using var __ = host;
        var models = await (await host.Http.GetAsync("/v1/tasks/restart-tamper/models", Ct)).ReadAsync<ModelsResponse>();
        var sha = models.Proposer.Versions.Single(v => v.Version == 2).Sha256;
        await host.StopAsync();

        var path = Directory.EnumerateFiles(Path.Combine(host.DataDirectory, "artifacts"), $"{sha}.zip", SearchOption.AllDirectories).Single();
        var bytes = await File.ReadAllBytesAsync(path, Ct);
        bytes[^100] ^= 0x5A;
        File.Delete(path);
        await File.WriteAllBytesAsync(path, bytes, Ct);
        await host.StartAsync();

        var episode = await host.Http.PostJsonAsync("/v1/tasks/restart-tamper/episodes", """{"id":"tamper-1","features":{"x":0.5,"y":0.25}}""");
        var problem = await episode.ProblemAsync(HttpStatusCode.ServiceUnavailable, ReasonCodes.ArtifactIntegrity);
        Assert.Contains("integrity", problem.GetProperty("title").GetString(), StringComparison.Ordinal);
        await (await host.Http.PostJsonAsync("/v1/tasks/restart-tamper/predict", """{"features":{"x":0.5,"y":0.25}}""")).ProblemAsync(HttpStatusCode.ServiceUnavailable, ReasonCodes.ArtifactIntegrity);
        Assert.Equal(HttpStatusCode.NotFound, (await host.Http.GetAsync("/v1/episodes/tamper-1", Ct)).StatusCode);

        // The operator's way out: roll back to v1, whose bytes still verify.
        var rollback = await (await host.Http.PostAsync("/v1/tasks/restart-tamper/models/proposer/rollback", null, Ct)).ReadAsync<RollbackResponse>();
        Assert.Equal(1, rollback.Production.Version);
        var served = await (await host.Http.PostJsonAsync("/v1/tasks/restart-tamper/predict", """{"features":{"x":0.5,"y":0.25}}""")).ReadAsync<PredictResponse>();
        Assert.Equal(1, served.ProposerVersion);
    }

    [Fact]
    public async Task A_cycle_runs_on_the_timer_when_data_is_pending()
    {
        await using var host = new GatewayHost(new() { ["SelfDissonance:Learning:CycleInterval"] = "00:00:01" });
        await host.StartAsync();
        var data = TwoMoons.Generate(600, seed: 17);
        await host.Http.CreateTwoMoonsTaskAsync("timer", new PolicyUpdate { KlEps = 10, MaxDissonance = 1, DBudgetPerHour = 1_000_000 });
        await host.Http.BootstrapAsync("timer", data[..100], data[100..300]);

        // Fewer labeled rows than minBatch (64): only the timer can start this cycle.
        for (var i = 300; i < 310; i++)
        {
            var row = Row(data[i]);
            (await host.Http.PostAsync("/v1/tasks/timer/episodes", new EpisodeRequest(row.Features, row.Label, $"timer-{i}"))).EnsureSuccessStatusCode();
        }

        var learner = host.Services.GetRequiredService<IGrainFactory>().GetGrain<ILearnerGrain>("timer");
        var status = await Eventually.ReturnsAsync(learner.GetStatusAsync, s => s.Cycles >= 1, TimeSpan.FromSeconds(30), "a timer-triggered cycle");
        var cycle = Assert.Single(status.RecentCycles);
        Assert.Equal("timer", cycle.Trigger);
        Assert.Equal(10, cycle.NewLabeledRows);
    }
}
