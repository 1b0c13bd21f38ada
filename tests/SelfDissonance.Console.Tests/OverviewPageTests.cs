using System.Globalization;
using SelfDissonance.Client.Contracts;
using static SelfDissonance.Testing.Api;

namespace SelfDissonance.Console.Tests;

/// <summary>The overview page in chromium: every task, with its traffic and what it serves, linking to its page.</summary>
public sealed class OverviewPageTests(ConsoleFixture fixture)
{
    [Fact]
    public async Task The_overview_lists_the_task_with_its_numbers_and_a_link_to_its_page()
    {
        var metrics = await fixture.Http.MetricsAsync(ConsoleFixture.TaskId);
        var task = await (await fixture.Http.GetAsync($"/v1/tasks/{ConsoleFixture.TaskId}", Ct)).ReadAsync<TaskResponse>();

        var dom = await Chromium.DumpDomAsync(fixture.Url("/console/"), Ct);

        Assert.Equal("true", Dom.Attribute(Dom.Body(dom), "data-ready"));
        var links = Dom.StartTags(dom, "a").Select(a => Dom.Attribute(a, "href")).ToList();
        Assert.Contains($"task.html?task={ConsoleFixture.TaskId}", links);
        Assert.Contains("/dashboard/", links);
        Assert.Contains("/openapi/v1.json", links);
        var row = Dom.Text(Dom.Element(dom, "tr", "data-task", ConsoleFixture.TaskId));
        Assert.Contains(metrics.Episodes.ToString("#,0", CultureInfo.InvariantCulture), row, StringComparison.Ordinal);
        Assert.Contains($"v{task.Production.Proposer}", row, StringComparison.Ordinal);
        Assert.NotNull(Dom.Attribute(Dom.StartTagById(dom, "div", "error"), "hidden"));
    }
}
