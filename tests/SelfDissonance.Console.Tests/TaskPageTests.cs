using SelfDissonance.Client.Contracts;
using SelfDissonance.Testing;
using static SelfDissonance.Testing.Api;

namespace SelfDissonance.Console.Tests;

/// <summary>A task's page in chromium: its charts drawn with data, versions with lineage, rollback buttons, errors.</summary>
public sealed class TaskPageTests(ConsoleFixture fixture)
{
    private static readonly string[] Charts = ["chart-accuracy", "chart-dissonance", "chart-lambda", "chart-blocks"];

    private Uri TaskPage(string task) => fixture.Url($"/console/task.html?task={task}");

    [Fact]
    public async Task Every_chart_renders_with_data()
    {
        var dom = await Chromium.DumpDomAsync(TaskPage(ConsoleFixture.TaskId), Ct);

        Assert.Equal("true", Dom.Attribute(Dom.Body(dom), "data-ready"));
        Assert.NotNull(Dom.Attribute(Dom.StartTagById(dom, "div", "error"), "hidden"));
        var points = Charts.ToDictionary(id => id, id => Points(dom, id));
        Assert.All(points, p => Assert.True(p.Value > 0, $"{p.Key} drew no data points ({string.Join(", ", points)})"));
        // Golden and live series for v1 and the promoted version; both blocking reasons the fixture provoked.
        Assert.True(points["chart-accuracy"] >= 4, $"accuracy: {points["chart-accuracy"]} points");
        Assert.True(points["chart-blocks"] >= 2, $"blocks: {points["chart-blocks"]} bars");
        Assert.Contains(ConsoleFixture.TaskId, Dom.Text(Dom.ElementById(dom, "span", "task-id")), StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_time_series_come_from_the_servers_history()
    {
        var history = await (await fixture.Http.GetAsync($"/v1/tasks/{ConsoleFixture.TaskId}/history", Ct)).ReadAsync<TaskHistoryResponse>();
        Assert.True(history.Traffic.Count >= 2, $"the fixture's traffic left {history.Traffic.Count} history samples");
        var proposerSamples = history.Accuracy.Count(a => a.Role == "proposer" && a.Stage != "rejected");

        var dom = await Chromium.DumpDomAsync(TaskPage(ConsoleFixture.TaskId), Ct);

        Assert.Equal("server", Dom.Attribute(Dom.Body(dom), "data-history"));
        // λ and budget: one point each per history sample, plus the latest poll; accuracy: at least every golden sample.
        Assert.True(Points(dom, "chart-lambda") >= 2 * history.Traffic.Count, $"lambda chart: {Points(dom, "chart-lambda")} points for {history.Traffic.Count} samples");
        Assert.True(Points(dom, "chart-accuracy") >= proposerSamples, $"accuracy chart: {Points(dom, "chart-accuracy")} points for {proposerSamples} samples");
        Assert.Contains("server history", Dom.Text(Dom.ElementById(dom, "dl", "summary")), StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_version_tables_show_lineage_and_mark_production()
    {
        var models = await (await fixture.Http.GetAsync($"/v1/tasks/{ConsoleFixture.TaskId}/models", Ct)).ReadAsync<ModelsResponse>();

        var dom = await Chromium.DumpDomAsync(TaskPage(ConsoleFixture.TaskId), Ct);

        foreach (var (role, expected) in new[] { ("proposer", models.Proposer), ("critic", models.Critic) })
        {
            var table = Dom.ElementById(dom, "table", $"versions-{role}");
            var rows = Dom.StartTags(table, "tr").Where(r => Dom.Attribute(r, "data-version") is not null).ToList();
            Assert.Equal(expected.Versions.Select(v => v.Version.ToString(System.Globalization.CultureInfo.InvariantCulture)).Reverse(), rows.Select(r => Dom.Attribute(r, "data-version")));
            Assert.Contains(rows, r => Dom.Attribute(r, "data-version") == "1");
            var production = Assert.Single(rows, r => Dom.Attribute(r, "data-production") == "true");
            Assert.Equal($"{expected.Production}", Dom.Attribute(production, "data-version"));
            Assert.Contains("production", Dom.Text(Dom.Element(table, "tr", "data-production", "true")), StringComparison.Ordinal);
            Assert.Contains("v1 →", Dom.Text(Dom.ElementById(dom, "p", $"lineage-{role}")), StringComparison.Ordinal);
            Assert.Contains("bootstrap", Dom.Text(Dom.ElementById(dom, "table", $"history-{role}")), StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task Each_role_has_a_wired_rollback_button()
    {
        var task = await (await fixture.Http.GetAsync($"/v1/tasks/{ConsoleFixture.TaskId}", Ct)).ReadAsync<TaskResponse>();

        var dom = await Chromium.DumpDomAsync(TaskPage(ConsoleFixture.TaskId), Ct);

        var buttons = Dom.StartTags(dom, "button").Where(b => Dom.Attribute(b, "class") == "rollback").ToDictionary(b => Dom.Attribute(b, "data-role")!);
        Assert.Equal(["critic", "proposer"], buttons.Keys.Order());
        Assert.All(buttons.Values, b => Assert.Equal("true", Dom.Attribute(b, "data-wired")));
        Assert.All(buttons.Values, b => Assert.Null(Dom.Attribute(b, "disabled")));
        Assert.Equal($"{task.Production.Proposer}", Dom.Attribute(buttons["proposer"], "data-production"));
        Assert.Equal($"{task.Production.Critic}", Dom.Attribute(buttons["critic"], "data-production"));
    }

    [Fact]
    public async Task The_rollback_request_the_button_sends_moves_production_back_and_the_page_shows_it()
    {
        const string id = "console-rollback";
        var data = TwoMoons.Generate(500, seed: 5);
        await fixture.Http.CreateTwoMoonsTaskAsync(id, new PolicyUpdate { GoldenTolerance = 1, KlEps = 10, MinBatch = 1_000_000 });
        await fixture.Http.BootstrapAsync(id, data[..100], data[100..200]);
        foreach (var example in data[200..300])
        {
            var row = Row(example);
            (await fixture.Http.PostAsync($"/v1/tasks/{id}/episodes", new EpisodeRequest(row.Features, row.Label))).EnsureSuccessStatusCode();
        }

        await Eventually.ReturnsAsync(() => fixture.Http.MetricsAsync(id), m => m.Learner.EventsConsumed == m.Learnable, TimeSpan.FromSeconds(30), "the learner catching up");
        (await fixture.Http.PostAsync($"/v1/tasks/{id}/learn", null, Ct)).EnsureSuccessStatusCode();
        // The learner's timer may have promoted first: whichever cycle did, there is a production to go back from.
        var before = (await (await fixture.Http.GetAsync($"/v1/tasks/{id}/models", Ct)).ReadAsync<ModelsResponse>()).Proposer;
        Assert.True(before.Production >= 2, $"proposer production is v{before.Production}");

        // Exactly what task.js sends when the confirm() is accepted, and the fields it reads from the answer.
        var answer = await (await fixture.Http.PostAsync($"/v1/tasks/{id}/models/proposer/rollback?reason=rollback%20from%20the%20task%20console", null, Ct)).ReadAsync<RollbackResponse>();
        Assert.Equal((before.Production, before.History[^1].From), (answer.From, answer.Production.Version));
        var rolledBackTo = answer.Production.Version.ToString(System.Globalization.CultureInfo.InvariantCulture);

        var dom = await Chromium.DumpDomAsync(TaskPage(id), Ct);
        var table = Dom.ElementById(dom, "table", "versions-proposer");
        var production = Assert.Single(Dom.StartTags(table, "tr"), r => Dom.Attribute(r, "data-production") == "true");
        Assert.Equal(rolledBackTo, Dom.Attribute(production, "data-version"));
        Assert.Contains("rolled_back", Dom.Text(Dom.ElementById(dom, "table", "history-proposer")), StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_unknown_task_shows_the_error_banner()
    {
        var dom = await Chromium.DumpDomAsync(TaskPage("no-such-task"), Ct);

        var banner = Dom.ElementById(dom, "div", "error");
        Assert.Null(Dom.Attribute(Dom.StartTagById(dom, "div", "error"), "hidden"));
        Assert.Contains("task_not_found", Dom.Text(banner), StringComparison.Ordinal);
    }

    private static int Points(string dom, string canvas) =>
        int.Parse(Dom.Attribute(Dom.StartTagById(dom, "canvas", canvas), "data-points") ?? "0", System.Globalization.CultureInfo.InvariantCulture);
}
