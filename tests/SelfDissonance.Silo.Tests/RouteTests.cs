using System.Net;
using System.Net.Http.Headers;
using SelfDissonance.Client.Contracts;
using SelfDissonance.Testing;
using static SelfDissonance.Testing.Api;

namespace SelfDissonance.Silo.Tests;

/// <summary>Every API v1 route answering as BRIEF §6 says, over a real Kestrel.</summary>
public sealed class RouteTests(GatewayFixture fixture)
{
    private readonly HttpClient _http = fixture.Http;

    [Fact]
    public async Task Create_read_and_list_a_task()
    {
        var created = await _http.PostAsync("/v1/tasks", new CreateTaskRequest("routes-create", ["a", "b", "c"], ["x", "y", "z"], new PolicyUpdate { MinBatch = 16 }));
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        Assert.Equal("/v1/tasks/routes-create", created.Headers.Location?.OriginalString);
        var task = await created.ReadAsync<TaskResponse>(HttpStatusCode.Created);
        Assert.Equal(["a", "b", "c"], task.Features);
        Assert.False(task.Bootstrapped);
        Assert.Equal(16, task.Policy.MinBatch);
        Assert.Equal(0.12, task.Policy.DTarget);

        var read = await (await _http.GetAsync("/v1/tasks/routes-create", Ct)).ReadAsync<TaskResponse>();
        Assert.Equal(task.Classes, read.Classes);
        var list = await (await _http.GetAsync("/v1/tasks", Ct)).ReadAsync<TaskListResponse>();
        Assert.Contains("routes-create", list.Tasks);

        var again = await _http.PostAsync("/v1/tasks", new CreateTaskRequest("routes-create", ["a"], ["x", "y"]));
        await again.ProblemAsync(HttpStatusCode.Conflict, ReasonCodes.TaskExists);
    }

    [Fact]
    public async Task Bootstrap_from_json_trains_both_models_and_reports_golden_accuracy()
    {
        var data = TwoMoons.Generate(500, seed: 3);
        await _http.CreateTwoMoonsTaskAsync("routes-json");

        var result = await _http.BootstrapAsync("routes-json", data[..200], data[200..400]);

        Assert.Equal((1, 1), (result.Proposer.Version, result.Critic.Version));
        Assert.Equal((200, 200), (result.TrainingRows, result.GoldenRows));
        Assert.InRange(result.Proposer.GoldenAccuracy, 0.85, 1);
        Assert.NotEqual(result.Proposer.Trainer, result.Critic.Trainer);
        var task = await (await _http.GetAsync("/v1/tasks/routes-json", Ct)).ReadAsync<TaskResponse>();
        Assert.True(task.Bootstrapped);
        Assert.Equal((1, 1), (task.Production.Proposer, task.Production.Critic));
        Assert.Equal(2, task.FeatureStatistics.Count);

        var twice = await _http.PostAsync("/v1/tasks/routes-json/bootstrap", new BootstrapRequest([.. data[..200].Select(Row)], [.. data[200..400].Select(Row)]));
        await twice.ProblemAsync(HttpStatusCode.Conflict, ReasonCodes.AlreadyBootstrapped);
    }

    [Fact]
    public async Task Bootstrap_from_the_shipped_csv()
    {
        await _http.CreateTwoMoonsTaskAsync("routes-csv");
        var csv = await File.ReadAllBytesAsync(Path.Combine(RepoPaths.Root, "samples", "data", "two-moons.csv"), Ct);
        var content = new ByteArrayContent(csv);
        content.Headers.ContentType = new MediaTypeHeaderValue("text/csv");

        var result = await (await _http.PostAsync("/v1/tasks/routes-csv/bootstrap", content, Ct)).ReadAsync<BootstrapResponse>();

        Assert.Equal((300, 100), (result.TrainingRows, result.GoldenRows));
        Assert.InRange(result.Proposer.GoldenAccuracy, 0.85, 1);
    }

    [Fact]
    public async Task An_episode_answers_with_prediction_critic_dissonance_gate_and_versions_and_can_be_read_back()
    {
        await _http.ReadyTaskAsync("routes-episode", seed: 4);

        var episode = await (await _http.PostJsonAsync("/v1/tasks/routes-episode/episodes", """{"id":"routes-ep-1","features":{"x":0.2,"y":0.9},"label":"upper"}""")).ReadAsync<EpisodeResponse>();

        Assert.Equal("routes-ep-1", episode.Id);
        Assert.Equal(["upper", "lower"], episode.Prediction.Probabilities.Keys);
        Assert.Equal(1.0, episode.Prediction.Probabilities.Values.Sum(), 6);
        var d = 0.5 * TwoMoons.Classes.Sum(c => Math.Abs(episode.Prediction.Probabilities[c] - episode.Critic.Probabilities[c]));
        Assert.Equal(d, episode.Dissonance, 9);
        Assert.Equal((1, 1), (episode.ProposerVersion, episode.CriticVersion));
        Assert.False(episode.Replayed);

        var replay = await (await _http.PostJsonAsync("/v1/tasks/routes-episode/episodes", """{"id":"routes-ep-1","features":{"x":0.2,"y":0.9},"label":"upper"}""")).ReadAsync<EpisodeResponse>();
        Assert.True(replay.Replayed);
        Assert.Equal(episode.Dissonance, replay.Dissonance);

        var record = await (await _http.GetAsync("/v1/episodes/routes-ep-1", Ct)).ReadAsync<EpisodeRecordResponse>();
        Assert.Equal(("completed", "sync", "upper"), (record.Status, record.Source, record.Label));
        Assert.Equal(0.2, record.Features["x"]);
        Assert.Equal(1, record.Lineage.Proposer!.Version);
        Assert.Equal(64, record.Lineage.Proposer.Sha256.Length);

        var generated = await (await _http.PostJsonAsync("/v1/tasks/routes-episode/episodes", """{"features":{"x":1.0,"y":-0.4}}""")).ReadAsync<EpisodeResponse>();
        Assert.Matches("^[0-9a-f]{32}$", generated.Id);
    }

    [Fact]
    public async Task Feedback_is_accepted_and_recorded()
    {
        await _http.ReadyTaskAsync("routes-feedback", seed: 5, new PolicyUpdate { MaxDissonance = 1 });
        await (await _http.PostJsonAsync("/v1/tasks/routes-feedback/episodes", """{"id":"routes-fb-1","features":{"x":1.9,"y":0.1}}""")).ReadAsync<EpisodeResponse>();

        var feedback = await (await _http.PostJsonAsync("/v1/episodes/routes-fb-1/feedback", """{"label":"lower"}""")).ReadAsync<FeedbackResponse>(HttpStatusCode.Accepted);

        Assert.Equal(("routes-fb-1", "lower", false), (feedback.Id, feedback.Label, feedback.Duplicate));
        var record = await (await _http.GetAsync("/v1/episodes/routes-fb-1", Ct)).ReadAsync<EpisodeRecordResponse>();
        Assert.Equal("lower", record.FeedbackLabel);
        Assert.NotNull(record.FeedbackAt);

        var conflict = await _http.PostJsonAsync("/v1/episodes/routes-fb-1/feedback", """{"label":"upper"}""");
        await conflict.ProblemAsync(HttpStatusCode.Conflict, ReasonCodes.LabelConflict);
        var unknown = await _http.PostJsonAsync("/v1/episodes/routes-no-such/feedback", """{"label":"upper"}""");
        await unknown.ProblemAsync(HttpStatusCode.NotFound, ReasonCodes.EpisodeNotFound);
    }

    [Fact]
    public async Task Predict_answers_one_row_or_many_without_creating_episodes()
    {
        await _http.ReadyTaskAsync("routes-predict", seed: 6);
        var before = await _http.MetricsAsync("routes-predict");

        var one = await (await _http.PostJsonAsync("/v1/tasks/routes-predict/predict", """{"features":{"x":-0.9,"y":0.4}}""")).ReadAsync<PredictResponse>();
        var many = await (await _http.PostJsonAsync("/v1/tasks/routes-predict/predict", """[{"features":{"x":-0.9,"y":0.4}},{"features":{"x":1.9,"y":-0.1}}]""")).ReadAsync<List<PredictResponse>>();

        Assert.Equal("upper", one.Label);
        Assert.Equal(1, one.ProposerVersion);
        Assert.Equal(2, many.Count);
        Assert.Equal(one.Probabilities, many[0].Probabilities);
        Assert.Equal("lower", many[1].Label);
        var after = await _http.MetricsAsync("routes-predict");
        Assert.Equal(before.Episodes, after.Episodes);
    }

    [Fact]
    public async Task A_batch_is_accepted_with_202_and_runs_on_the_queue_path()
    {
        await _http.ReadyTaskAsync("routes-batch", seed: 7);

        var accepted = await (await _http.PostJsonAsync("/v1/tasks/routes-batch/episodes:batch", """[{"id":"routes-b-1","features":{"x":0.1,"y":0.9}},{"features":{"x":1.1,"y":-0.5},"label":"lower"}]""")).ReadAsync<BatchAcceptedResponse>(HttpStatusCode.Accepted);

        Assert.Equal(2, accepted.Ids.Count);
        Assert.Equal("routes-b-1", accepted.Ids[0]);
        foreach (var id in accepted.Ids)
        {
            var body = await Eventually.ReturnsAsync(
                async () =>
                {
                    var response = await _http.GetAsync($"/v1/episodes/{id}", Ct);
                    return response.StatusCode == HttpStatusCode.OK ? await response.ReadAsync<EpisodeRecordResponse>() : null;
                },
                r => r?.Status == "completed",
                TimeSpan.FromSeconds(20),
                $"queued episode {id}");
            Assert.Equal("queue", body!.Source);
            Assert.NotNull(body.Prediction);
        }
    }

    [Fact]
    public async Task Learn_models_rollback_and_metrics()
    {
        var data = TwoMoons.Generate(900, seed: 8);
        await _http.CreateTwoMoonsTaskAsync("routes-learn", new PolicyUpdate { KlEps = 10, GoldenTolerance = 1, MinBatch = 1_000_000, MaxDissonance = 1, DBudgetPerHour = 1_000_000 });
        await _http.BootstrapAsync("routes-learn", data[..60], data[60..360]);
        var probe = """{"features":{"x":0.5,"y":0.25}}""";
        var v1 = await (await _http.PostJsonAsync("/v1/tasks/routes-learn/predict", probe)).ReadAsync<PredictResponse>();
        for (var i = 360; i < 660; i++)
        {
            var row = Row(data[i]);
            (await _http.PostAsync("/v1/tasks/routes-learn/episodes", new EpisodeRequest(row.Features, row.Label, $"routes-learn-{i}"))).EnsureSuccessStatusCode();
        }

        await Eventually.ReturnsAsync(() => _http.MetricsAsync("routes-learn"), m => m.Learner.EventsConsumed == 300, TimeSpan.FromSeconds(30), "the learner consuming 300 episodes");
        var learn = await (await _http.PostAsync("/v1/tasks/routes-learn/learn", null, Ct)).ReadAsync<LearnResponse>();
        Assert.Equal("promoted", learn.Outcome);
        Assert.Equal(2, learn.Proposer!.Version);
        Assert.Equal("api", learn.Trigger);
        Assert.Equal(300, learn.NewLabeledRows);

        var v2 = await (await _http.PostJsonAsync("/v1/tasks/routes-learn/predict", probe)).ReadAsync<PredictResponse>();
        Assert.Equal(2, v2.ProposerVersion);
        Assert.NotEqual(v1.Probabilities["upper"], v2.Probabilities["upper"]);

        var models = await (await _http.GetAsync("/v1/tasks/routes-learn/models", Ct)).ReadAsync<ModelsResponse>();
        Assert.Equal(2, models.Proposer.Production);
        Assert.Equal([1, 2], models.Proposer.Versions.Select(v => v.Version));
        Assert.Equal(1, models.Proposer.Versions[1].Parent);
        Assert.Equal(360, models.Proposer.Versions[1].Rows);
        Assert.NotNull(models.Proposer.Versions[1].KlFromParent);

        var rollback = await (await _http.PostAsync("/v1/tasks/routes-learn/models/proposer/rollback", null, Ct)).ReadAsync<RollbackResponse>();
        Assert.Equal((2, 1), (rollback.From, rollback.Production.Version));
        var afterRollback = await (await _http.PostJsonAsync("/v1/tasks/routes-learn/predict", probe)).ReadAsync<PredictResponse>();
        Assert.Equal(1, afterRollback.ProposerVersion);
        Assert.Equal(v1.Probabilities, afterRollback.Probabilities);
        var history = (await (await _http.GetAsync("/v1/tasks/routes-learn/models", Ct)).ReadAsync<ModelsResponse>()).Proposer.History;
        Assert.Equal("rolled_back", history[^1].Action);

        var metrics = await _http.MetricsAsync("routes-learn");
        Assert.Equal(300, metrics.Episodes);
        Assert.Equal(300, metrics.DissonanceHistogram.Sum());
        Assert.Equal(300, metrics.Proposer.Single(v => v.Version == 1).LiveSamples);
        Assert.Equal(300 + 60, metrics.Learner.LabeledRows);
        Assert.InRange(metrics.MeanDissonance, 0, 1);

        var badRole = await _http.PostAsync("/v1/tasks/routes-learn/models/judge/rollback", null, Ct);
        await badRole.ProblemAsync(HttpStatusCode.BadRequest, ReasonCodes.InvalidRole);
    }

    [Fact]
    public async Task Policy_read_update_and_history()
    {
        await _http.CreateTwoMoonsTaskAsync("routes-policy");

        var policy = await (await _http.GetAsync("/v1/tasks/routes-policy/policy", Ct)).ReadAsync<PolicyResponse>();
        Assert.Equal((0.12, 0.5, 0.0, 0.05, 0.02, 100, 64), (policy.DTarget, policy.MaxDissonance, policy.Lambda, policy.LambdaMax, policy.KlEps, policy.DBudgetPerHour, policy.MinBatch));
        Assert.Equal((0.005, 0.0, 0.015, 6.0, 0.5), (policy.GoldenTolerance, policy.CanaryFraction, policy.RollbackDrop, policy.OodZMax, policy.Eta));

        var updated = await (await _http.PutAsync("/v1/tasks/routes-policy/policy?reason=tighter", new PolicyUpdate { KlEps = 0.01, MinBatch = 128 })).ReadAsync<PolicyResponse>();
        Assert.Equal((0.01, 128, 0.12), (updated.KlEps, updated.MinBatch, updated.DTarget));
        Assert.Equal(policy.Revision + 1, updated.Revision);

        var invalid = await _http.PutAsync("/v1/tasks/routes-policy/policy", new PolicyUpdate { KlEps = -1, CanaryFraction = 0.9 });
        var problem = await invalid.ProblemAsync(HttpStatusCode.BadRequest, ReasonCodes.InvalidPolicy);
        var fields = problem.GetProperty("errors").EnumerateArray().Select(e => (e.GetProperty("field").GetString(), e.GetProperty("allowed").GetString())).ToList();
        Assert.Contains(("klEps", "[0, 10]"), fields);
        Assert.Contains(("canaryFraction", "[0, 0.5]"), fields);

        var history = await (await _http.GetAsync("/v1/tasks/routes-policy/policy/history", Ct)).ReadAsync<List<PolicyChangeResponse>>();
        Assert.Equal(2, history.Count);
        Assert.Equal(("tighter", "key:admin", 0.01), (history[1].Reason, history[1].By, history[1].Policy.KlEps));
        var current = await (await _http.GetAsync("/v1/tasks/routes-policy/policy", Ct)).ReadAsync<PolicyResponse>();
        Assert.Equal(0.01, current.KlEps);
    }

    [Fact]
    public async Task Health_readiness_and_dashboard()
    {
        var health = await _http.GetAsync("/healthz", Ct);
        Assert.Equal(HttpStatusCode.OK, health.StatusCode);
        Assert.Equal("Healthy", await health.Content.ReadAsStringAsync(Ct));
        var ready = await _http.GetAsync("/readyz", Ct);
        Assert.Equal(HttpStatusCode.OK, ready.StatusCode);
        Assert.Equal("Healthy", await ready.Content.ReadAsStringAsync(Ct));

        var dashboard = await _http.GetAsync("/dashboard/", Ct);
        Assert.Equal(HttpStatusCode.OK, dashboard.StatusCode);
        Assert.Contains("<html", await dashboard.Content.ReadAsStringAsync(Ct), StringComparison.OrdinalIgnoreCase);
    }
}
