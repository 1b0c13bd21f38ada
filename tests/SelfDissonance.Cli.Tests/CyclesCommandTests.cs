using SelfDissonance.Testing;

namespace SelfDissonance.Cli.Tests;

public sealed class CyclesCommandTests(CliFixture fixture)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Cycles_lists_every_cycle_newest_first_as_a_table_and_as_json()
    {
        const string Task = "cli-cycles";
        await fixture.CreateBootstrappedAsync(Task, "goldenTolerance=1", "klEps=10", "minBatch=1000000");
        Assert.Equal(ExitCodes.Ok, (await fixture.RunAsync("run", Task, CliFixture.TwoMoonsCsv, "--limit", "60")).ExitCode);
        await Eventually.ReturnsAsync(() => fixture.Client.GetMetricsAsync(Task, Ct), m => m.Learnable > 40 && m.Learner.EventsConsumed >= m.Learnable, TimeSpan.FromSeconds(30), "the learner taking the episodes");
        // The gateway's learning timer may have trained on the rows first; each learn is kept either way.
        for (var i = 0; i < 3; i++)
        {
            Assert.Equal(ExitCodes.Ok, (await fixture.RunAsync("learn", Task)).ExitCode);
        }

        var all = await fixture.Client.GetCyclesAsync(Task, cancellationToken: Ct);
        Assert.True(all.Cycles.Count >= 3, $"three learn calls keep three cycles: {all.Cycles.Count}");
        var newest = all.Cycles[0].Cycle;
        var trained = all.Cycles.Last(c => c.Proposer is not null);

        var json = (await fixture.RunAsync("cycles", Task, "--limit", "2", "--json")).Json();
        Assert.Equal(Task, json.GetProperty("task").GetString());
        var cycles = json.GetProperty("cycles").EnumerateArray().ToList();
        Assert.Equal([newest, newest - 1], cycles.Select(c => c.GetProperty("cycle").GetInt64()));
        Assert.Equal(newest - 1, json.GetProperty("next").GetInt64());
        Assert.Equal("api", cycles[0].GetProperty("trigger").GetString());

        var older = (await fixture.RunAsync("cycles", Task, "--before", (newest - 1).ToString(System.Globalization.CultureInfo.InvariantCulture), "--json")).Json();
        Assert.Equal(newest - 2, older.GetProperty("cycles")[0].GetProperty("cycle").GetInt64());
        Assert.Equal(JsonValueKindNull, older.GetProperty("next").ValueKind);

        var table = await fixture.RunAsync("cycles", Task);
        Assert.True(table.ExitCode == ExitCodes.Ok, table.ToString());
        foreach (var header in new[] { "cycle", "trigger", "rows in", "role", "model", "CV", "KL", "step", "golden", "outcome", "reasons", "duration" })
        {
            Assert.Contains(header, table.Out, StringComparison.Ordinal);
        }

        Assert.Contains("learning cycles, newest first", table.Out, StringComparison.Ordinal);
        Assert.Contains("proposer", table.Out, StringComparison.Ordinal);
        Assert.Contains("critic", table.Out, StringComparison.Ordinal);
        Assert.Contains("nothing_to_learn", table.Out, StringComparison.Ordinal);
        Assert.Contains("→", table.Out, StringComparison.Ordinal);
        Assert.Contains($"{trained.NewLabeledRows} / {trained.NewPseudoCandidates}", table.Out, StringComparison.Ordinal);
        var lines = table.Out.Split('\n');
        var newestLine = Array.FindIndex(lines, l => l.Contains($"│ {newest} ", StringComparison.Ordinal));
        var trainedLine = Array.FindIndex(lines, l => l.Contains($"│ {trained.Cycle} ", StringComparison.Ordinal));
        Assert.True(newestLine >= 0 && trainedLine > newestLine, $"newest first:\n{table.Out}");

        var limited = await fixture.RunAsync("cycles", Task, "--limit", "1");
        Assert.Contains($"--before {newest}", limited.Out, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_limit_out_of_range_is_the_services_refusal_and_an_unknown_task_too()
    {
        var refused = await fixture.RunAsync("cycles", "cli-models", "--limit", "0");
        Assert.Equal(ExitCodes.Refused, refused.ExitCode);
        Assert.Contains("invalid_query", refused.Error, StringComparison.Ordinal);
        Assert.Contains("limit", refused.Error, StringComparison.Ordinal);

        var unknown = await fixture.RunAsync("cycles", "cli-no-such-task");
        Assert.Equal(ExitCodes.Refused, unknown.ExitCode);
        Assert.Contains("task_not_found", unknown.Error, StringComparison.Ordinal);

        var notANumber = await fixture.RunAsync("cycles", "cli-models", "--before", "soon");
        Assert.Equal(ExitCodes.Usage, notANumber.ExitCode);
    }

    private const System.Text.Json.JsonValueKind JsonValueKindNull = System.Text.Json.JsonValueKind.Null;
}
