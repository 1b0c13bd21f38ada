namespace SelfDissonance.Cli.Tests;

public sealed class DemoTests(CliFixture fixture)
{
    [Fact]
    public async Task The_demo_promotes_versions_and_golden_accuracy_does_not_drop()
    {
        var result = await fixture.RunAsync("demo", "--episodes", "600", "--rounds", "2", "--json");

        Assert.True(result.ExitCode == ExitCodes.Ok, result.ToString());
        var lines = result.JsonLines();
        Assert.Equal(["start", "round", "round", "summary"], lines.Select(l => l.GetProperty("type").GetString()));
        var start = lines[0];
        var task = start.GetProperty("task").GetString();
        Assert.StartsWith("moons-demo", task, StringComparison.Ordinal);
        Assert.Equal(40, start.GetProperty("trainingRows").GetInt32());
        Assert.Equal(400, start.GetProperty("goldenRows").GetInt32());
        Assert.Equal(600, lines[2].GetProperty("totalEpisodes").GetInt64());
        Assert.Contains(lines[2].GetProperty("outcome").GetString(), new[] { "promoted", "rejected", "nothing_to_learn" });

        var summary = lines[^1];
        Assert.Equal(600, summary.GetProperty("episodes").GetInt64());
        Assert.True(summary.GetProperty("versionsPromoted").GetInt32() >= 1, summary.ToString());
        var initial = summary.GetProperty("initialGoldenAccuracy").GetDouble();
        var final = summary.GetProperty("finalGoldenAccuracy").GetDouble();
        Assert.True(final >= initial, $"golden accuracy fell from {initial} to {final}");
        Assert.True(summary.GetProperty("finalVersion").GetInt32() > 1);
        Assert.Equal(summary.GetProperty("versionsPromoted").GetInt32() + 1, summary.GetProperty("versions").GetArrayLength());
        var models = await fixture.Client.ListModelsAsync(task!, TestContext.Current.CancellationToken);
        Assert.Equal(summary.GetProperty("finalVersion").GetInt32(), models.Proposer.Production);

        // Human output, and the default id is taken now: this demo gets a fresh one instead of failing.
        var text = await fixture.RunAsync("demo", "--episodes", "40", "--rounds", "1");
        Assert.True(text.ExitCode == ExitCodes.Ok, text.ToString());
        Assert.Matches(@"^task moons-demo-\w{6}: bootstrapped from 40 training rows \(golden holdout 400\)", text.Out);
        Assert.Contains("round 1/1", text.Out, StringComparison.Ordinal);
        Assert.Contains("production proposer v", text.Out, StringComparison.Ordinal);
        Assert.Contains("proposer versions", text.Out, StringComparison.Ordinal);
        Assert.Matches(@"golden accuracy \d+\.\d % → \d+\.\d % over 40 episodes, \d+ versions promoted", text.Out);
    }

    [Fact]
    public async Task A_demo_task_named_with_task_is_never_replaced()
    {
        Assert.Equal(ExitCodes.Ok, (await fixture.RunAsync("task", "create", "cli-demo-taken", "--features", "x,y", "--classes", "upper,lower")).ExitCode);

        var result = await fixture.RunAsync("demo", "--task", "cli-demo-taken", "--episodes", "10", "--rounds", "1");

        Assert.Equal(ExitCodes.Refused, result.ExitCode);
        Assert.Contains("(task_exists)", result.Error, StringComparison.Ordinal);
    }
}
