using System.Net;
using System.Text;
using SelfDissonance.Client.Contracts;
using SelfDissonance.Learning;
using SelfDissonance.Testing;
using static SelfDissonance.Testing.Api;

namespace SelfDissonance.Silo.Tests;

/// <summary>
/// DELETE /v1/episodes/{id} end to end on a real gateway with durable file state: the episode's features and label leave
/// every stored file and every later training window (also after a restart), production is marked for retraining, and a
/// second erase is 404.
/// </summary>
public sealed class ErasureTests
{
    private const string TaskId = "erasure";

    // Feature values no generated row has, so their bytes can be searched for in every stored file.
    private const float X = 0.73310041f;
    private const float Y = -0.29170043f;

    [Fact]
    public async Task An_erased_episode_leaves_storage_and_training_and_production_is_marked_for_retraining()
    {
        await using var host = new GatewayHost(new() { ["SelfDissonance:Learning:CycleInterval"] = "00:10:00" });
        await host.StartAsync();
        var http = host.Http;
        var data = TwoMoons.Generate(600, seed: 23);
        await http.CreateTwoMoonsTaskAsync(TaskId, new PolicyUpdate { KlEps = 10, GoldenTolerance = 1, MinBatch = 1_000_000, MaxDissonance = 1, DBudgetPerHour = 1_000_000 });
        await http.BootstrapAsync(TaskId, data[..100], data[100..300]);
        for (var i = 300; i < 340; i++)
        {
            var row = Row(data[i]);
            (await http.PostAsync($"/v1/tasks/{TaskId}/episodes", new EpisodeRequest(row.Features, row.Label, $"erasure-{i}"))).EnsureSuccessStatusCode();
        }

        var secret = new EpisodeRequest(new Dictionary<string, double> { ["x"] = X, ["y"] = Y }, "lower", "erase-me");
        (await http.PostAsync($"/v1/tasks/{TaskId}/episodes", secret)).EnsureSuccessStatusCode();
        await Eventually.ReturnsAsync(() => http.MetricsAsync(TaskId), m => m.Learner.EventsConsumed == 41, TimeSpan.FromSeconds(30), "the learner consuming 41 episodes");

        // A cycle trains on the row and writes it into a dataset segment.
        var learned = await (await http.PostAsync($"/v1/tasks/{TaskId}/learn", null, Ct)).ReadAsync<LearnResponse>();
        Assert.Equal(LearningOutcomes.Promoted, learned.Outcome);
        Assert.True(StoredFilesHolding(host).Count > 0, "the episode's features should be stored before the erase (the search would prove nothing otherwise)");
        var before = await http.MetricsAsync(TaskId);
        Assert.Equal(141, before.Learner.LabeledRows);

        var erased = await (await http.DeleteAsync("/v1/episodes/erase-me", Ct)).ReadAsync<EpisodeErasedResponse>();

        Assert.Equal(new EpisodeErasedResponse("erase-me", TaskId, RemovedFromTraining: true), erased);
        await (await http.GetAsync("/v1/episodes/erase-me", Ct)).ProblemAsync(HttpStatusCode.NotFound, ReasonCodes.EpisodeNotFound);
        await (await http.DeleteAsync("/v1/episodes/erase-me", Ct)).ProblemAsync(HttpStatusCode.NotFound, ReasonCodes.EpisodeNotFound);
        await (await http.DeleteAsync("/v1/episodes/never-ran", Ct)).ProblemAsync(HttpStatusCode.NotFound, ReasonCodes.EpisodeNotFound);
        await (await http.DeleteAsync("/v1/episodes/..%2F..%2Fetc", Ct)).ProblemAsync(HttpStatusCode.BadRequest, ReasonCodes.InvalidId);
        Assert.Empty(StoredFilesHolding(host));
        var after = await http.MetricsAsync(TaskId);
        Assert.Equal(140, after.Learner.LabeledRows);
        Assert.Equal(1, after.Learner.Erased);
        var models = await (await http.GetAsync($"/v1/tasks/{TaskId}/models", Ct)).ReadAsync<ModelsResponse>();
        Assert.Equal(1, models.Proposer.ErasedSinceProduction);
        Assert.Equal(1, models.Critic.ErasedSinceProduction);

        // An erased id is not run again (it would never be learned from).
        await (await http.PostAsync($"/v1/tasks/{TaskId}/episodes", secret)).ProblemAsync(HttpStatusCode.Conflict, ReasonCodes.IdempotencyConflict);

        // The learner reloads from its segments after a restart: the row stays gone.
        await host.RestartAsync();
        http = host.Http;
        Assert.Equal(140, (await http.MetricsAsync(TaskId)).Learner.LabeledRows);
        Assert.Empty(StoredFilesHolding(host));

        // The next cycle retrains both roles without it, even with no new data, and the new production clears the mark.
        var retrained = await (await http.PostAsync($"/v1/tasks/{TaskId}/learn", null, Ct)).ReadAsync<LearnResponse>();
        Assert.Equal(LearningOutcomes.Promoted, retrained.Outcome);
        Assert.Equal(140, retrained.Proposer!.LabeledRows);
        models = await (await http.GetAsync($"/v1/tasks/{TaskId}/models", Ct)).ReadAsync<ModelsResponse>();
        Assert.Equal(0, models.Proposer.ErasedSinceProduction);
        Assert.Equal(0, models.Critic.ErasedSinceProduction);
        Assert.Empty(StoredFilesHolding(host));
    }

    [Fact]
    public async Task The_sdk_erases_over_http_and_an_unlabeled_episode_is_erased_too()
    {
        await using var host = new GatewayHost(new() { ["SelfDissonance:Learning:CycleInterval"] = "00:10:00" });
        await host.StartAsync();
        var data = TwoMoons.Generate(400, seed: 29);
        await host.Http.CreateTwoMoonsTaskAsync("erasure-sdk", new PolicyUpdate { MinBatch = 1_000_000, MaxDissonance = 1, DBudgetPerHour = 1_000_000 });
        await host.Http.BootstrapAsync("erasure-sdk", data[..100], data[100..300]);
        // Over the host's HttpClient, so whatever headers the shared fixture sets (an API key) go along.
        var sdk = new Client.SelfDissonanceHttpClient(host.Http, new Client.SelfDissonanceClientOptions { BaseAddress = host.BaseAddress, Timeout = TimeSpan.FromSeconds(60) });
        await sdk.RunEpisodeAsync("erasure-sdk", new EpisodeRequest(new Dictionary<string, double> { ["x"] = X, ["y"] = Y }, null, "sdk-erase"), Ct);
        await Eventually.ReturnsAsync(() => host.Http.MetricsAsync("erasure-sdk"), m => m.Learner.EventsConsumed == 1, TimeSpan.FromSeconds(30), "the learner consuming the episode");

        var erased = await sdk.EraseEpisodeAsync("sdk-erase", Ct);

        Assert.True(erased.RemovedFromTraining);
        var again = await Assert.ThrowsAsync<Client.SelfDissonanceException>(() => sdk.EraseEpisodeAsync("sdk-erase", Ct));
        Assert.Equal(ReasonCodes.EpisodeNotFound, again.Reason);
        Assert.Equal(0, (await host.Http.MetricsAsync("erasure-sdk")).Learner.UnlabeledEpisodes);
        Assert.Empty(StoredFilesHolding(host));
    }

    /// <summary>Every file under the host's data folder holding the erased feature value, as JSON text or as a 32-bit float.</summary>
    private static List<string> StoredFilesHolding(GatewayHost host)
    {
        var text = Encoding.UTF8.GetBytes(X.ToString("R", System.Globalization.CultureInfo.InvariantCulture));
        var binary = BitConverter.GetBytes(X);
        return [.. Directory.EnumerateFiles(host.DataDirectory, "*", SearchOption.AllDirectories)
            .Where(f => !f.EndsWith(".key", StringComparison.Ordinal))
            .Where(f =>
            {
                var bytes = File.ReadAllBytes(f);
                return bytes.AsSpan().IndexOf(text) >= 0 || bytes.AsSpan().IndexOf(binary) >= 0;
            })];
    }
}
