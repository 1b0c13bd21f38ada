using System.Globalization;
using SelfDissonance.Client.Contracts;
using static SelfDissonance.Testing.Api;

namespace SelfDissonance.Console.Tests;

/// <summary>The task page's "Learning cycles" table in chromium: the newest cycles from GET /v1/tasks/{task}/cycles, a row per candidate.</summary>
public sealed class CycleTableTests(ConsoleFixture fixture)
{
    [Fact]
    public async Task The_learning_cycles_table_shows_the_newest_cycles_a_row_per_candidate()
    {
        var page = await (await fixture.Http.GetAsync($"/v1/tasks/{ConsoleFixture.TaskId}/cycles?limit=20", Ct)).ReadAsync<CyclesResponse>();
        Assert.NotEmpty(page.Cycles);
        var trained = page.Cycles.First(c => c.Proposer is not null);

        var dom = await Chromium.DumpDomAsync(fixture.Url($"/console/task.html?task={ConsoleFixture.TaskId}"), Ct);

        Assert.Equal("true", Dom.Attribute(Dom.Body(dom), "data-ready"));
        var table = Dom.ElementById(dom, "table", "cycles");
        var rows = Dom.StartTags(table, "tr").Where(r => Dom.Attribute(r, "data-cycle") is not null).ToList();
        var candidates = page.Cycles.Sum(c => Math.Max(1, new[] { c.Proposer, c.Critic }.Count(x => x is not null)));
        Assert.Equal(candidates, rows.Count);
        Assert.Equal(
            page.Cycles.Select(c => c.Cycle.ToString(CultureInfo.InvariantCulture)),
            rows.Where(r => Dom.Attribute(r, "data-first") == "true").Select(r => Dom.Attribute(r, "data-cycle")));
        var trainedRoles = rows.Where(r => Dom.Attribute(r, "data-cycle") == trained.Cycle.ToString(CultureInfo.InvariantCulture)).Select(r => Dom.Attribute(r, "data-role"));
        Assert.Equal(new[] { trained.Proposer, trained.Critic }.OfType<CandidateResponse>().Select(c => c.Role), trainedRoles);

        var text = Dom.Text(table);
        foreach (var header in new[] { "Cycle", "Trigger", "Rows in", "Role", "Model", "CV", "KL plain", "KL step", "Step", "Golden before → after", "Outcome", "Reasons", "Duration" })
        {
            Assert.Contains(header, text, StringComparison.Ordinal);
        }

        Assert.Contains(trained.Proposer!.Trainer!, text, StringComparison.Ordinal);
        Assert.Contains($"{trained.NewLabeledRows.ToString("N0", CultureInfo.InvariantCulture)} / {trained.NewPseudoCandidates}", text, StringComparison.Ordinal);
        Assert.Contains("% → ", text, StringComparison.Ordinal);
    }
}
