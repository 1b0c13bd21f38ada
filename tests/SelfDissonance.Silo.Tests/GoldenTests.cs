using System.Net;
using SelfDissonance.Client.Contracts;
using SelfDissonance.Silo.Security;
using SelfDissonance.Testing;
using static SelfDissonance.Testing.Api;

namespace SelfDissonance.Silo.Tests;

/// <summary>
/// POST /v1/tasks/{task}/golden: users add rows to the golden holdout or replace it (an old concept's holdout goes stale
/// after a drift); each change is a revision, production is re-scored on it, and bad input changes nothing.
/// </summary>
public sealed class GoldenTests(GatewayFixture fixture)
{
    [Fact]
    public async Task Rows_are_added_or_replace_the_holdout_and_production_is_rescored_on_it()
    {
        const string task = "golden-revisions";
        var http = fixture.Http;
        await http.ReadyTaskAsync(task, seed: 61);
        var extra = TwoMoons.Generate(80, seed: 62);

        var added = await (await http.PostAsync($"/v1/tasks/{task}/golden", new GoldenRequest([.. extra[..20].Select(Row)]))).ReadAsync<GoldenResponse>();
        Assert.Equal((2, 220, "add"), (added.Revision, added.GoldenRows, added.Mode));
        Assert.Equal(220, (await (await http.GetAsync($"/v1/tasks/{task}", Ct)).ReadAsync<TaskResponse>()).GoldenRows);

        // A holdout of another concept (every label flipped): production scores badly on it, and says so.
        var flipped = extra[20..].Select(e => e with { Label = 1 - e.Label }).ToList();
        var replaced = await (await http.PostAsync($"/v1/tasks/{task}/golden", new GoldenRequest([.. flipped.Select(Row)], "replace"))).ReadAsync<GoldenResponse>();
        Assert.Equal((3, 60, "replace"), (replaced.Revision, replaced.GoldenRows, replaced.Mode));
        var expected = await AccuracyAsync(task, flipped);
        Assert.True(expected < 0.5, $"production on flipped labels scores {expected}");
        Assert.Equal(expected, replaced.Proposer!.GoldenAccuracy, 9);
        var models = await (await http.GetAsync($"/v1/tasks/{task}/models", Ct)).ReadAsync<ModelsResponse>();
        Assert.Equal(expected, models.Proposer.Versions.Single(v => v.Version == models.Proposer.Production).GoldenAccuracy, 9);
        Assert.NotNull(replaced.Critic);

        // The change is on the task's audit trail.
        var audit = await (await http.GetAsync($"/v1/tasks/{task}/audit", Ct)).ReadAsync<AuditResponse>();
        Assert.Equal(2, audit.Entries.Count(e => e.Action == "task.golden_changed"));
    }

    [Theory]
    [InlineData("""{"rows":[{"features":{"x":0.1,"y":0.2},"label":"upper"}],"mode":"merge"}""", "invalid_golden")]
    [InlineData("""{"rows":[{"features":{"x":0.1,"y":0.2},"label":"upper"}],"mode":"replace"}""", "invalid_golden")]
    [InlineData("""{"rows":[]}""", "invalid_golden")]
    [InlineData("""{"mode":"add"}""", "invalid_bootstrap")]
    [InlineData("""{"rows":[{"features":{"x":0.1,"y":0.2},"label":"sideways"}]}""", "unknown_label")]
    [InlineData("""{"rows":[{"features":{"x":0.1},"label":"upper"}]}""", "missing_feature")]
    public async Task Bad_golden_rows_are_refused_and_change_nothing(string body, string reason)
    {
        var task = $"golden-bad-{Math.Abs(body.GetHashCode()) % 100_000}";
        var http = fixture.Http;
        await http.ReadyTaskAsync(task, seed: 63);

        await (await http.PostJsonAsync($"/v1/tasks/{task}/golden", body)).ProblemAsync(HttpStatusCode.BadRequest, reason);

        Assert.Equal(200, (await (await http.GetAsync($"/v1/tasks/{task}", Ct)).ReadAsync<TaskResponse>()).GoldenRows);
        var next = await (await http.PostAsync($"/v1/tasks/{task}/golden", new GoldenRequest([Row(TwoMoons.Generate(1, seed: 64)[0])]))).ReadAsync<GoldenResponse>();
        Assert.Equal((2, 201), (next.Revision, next.GoldenRows));
    }

    [Fact]
    public async Task An_unknown_task_is_404_and_one_not_bootstrapped_is_409()
    {
        var http = fixture.Http;
        var rows = new GoldenRequest([Row(TwoMoons.Generate(1, seed: 65)[0])]);
        await (await http.PostAsync("/v1/tasks/golden-nowhere/golden", rows)).ProblemAsync(HttpStatusCode.NotFound, "task_not_found");
        await http.CreateTwoMoonsTaskAsync("golden-fresh");
        await (await http.PostAsync("/v1/tasks/golden-fresh/golden", rows)).ProblemAsync(HttpStatusCode.Conflict, "task_not_bootstrapped");
    }

    private async Task<double> AccuracyAsync(string task, List<Tasks.LabeledExample> rows)
    {
        var predictions = await (await fixture.Http.PostAsync($"/v1/tasks/{task}/predict", rows.Select(r => new PredictRequest(Features(r))).ToList())).ReadAsync<List<PredictResponse>>();
        return (double)predictions.Zip(rows).Count(p => p.First.Label == TwoMoons.Classes[p.Second.Label]) / rows.Count;
    }
}
