using SelfDissonance.Testing;

namespace SelfDissonance.Cli.Tests;

public sealed class RunCommandTests(CliFixture fixture)
{
    [Fact]
    public async Task Bootstrap_then_run_streams_every_row_and_reports_accuracy()
    {
        var bootstrap = (await fixture.RunAsync("task", "create", "cli-run", "--features", "x,y", "--classes", "upper,lower", "--policy", "minBatch=1000000")).ExitCode;
        Assert.Equal(ExitCodes.Ok, bootstrap);
        var trained = (await fixture.RunAsync("--json", "bootstrap", "cli-run", CliFixture.TwoMoonsCsv)).Json();
        Assert.Equal(1, trained.GetProperty("proposer").GetProperty("version").GetInt32());
        Assert.Equal(300, trained.GetProperty("trainingRows").GetInt32());
        Assert.Equal(100, trained.GetProperty("goldenRows").GetInt32());

        var summary = (await fixture.RunAsync("run", "cli-run", CliFixture.TwoMoonsCsv, "--limit", "120", "--concurrency", "3", "--json")).Json();

        Assert.Equal(120, summary.GetProperty("rows").GetInt32());
        Assert.Equal(120, summary.GetProperty("episodes").GetInt64());
        Assert.Equal(0, summary.GetProperty("errors").GetInt64());
        Assert.Equal("episode", summary.GetProperty("labels").GetString());
        Assert.Equal(120, summary.GetProperty("labeled").GetInt64());
        // The shipped set is easy: v1 is right on nearly every row.
        Assert.InRange(summary.GetProperty("accuracy").GetDouble(), 0.85, 1);
        Assert.Equal(summary.GetProperty("episodes").GetInt64(), summary.GetProperty("learnable").GetInt64() + summary.GetProperty("blocked").GetInt64());
        Assert.True(summary.GetProperty("episodesPerSecond").GetDouble() > 0);
        Assert.True(summary.GetProperty("completed").GetBoolean());

        // The service counted them too.
        var metrics = await Eventually.ReturnsAsync(() => fixture.Client.GetMetricsAsync("cli-run", TestContext.Current.CancellationToken), m => m.Episodes >= 120, TimeSpan.FromSeconds(10), "episode counters");
        Assert.Equal(120, metrics.Episodes);
    }

    [Fact]
    public async Task Run_with_feedback_sends_labels_after_the_episodes()
    {
        await fixture.CreateBootstrappedAsync("cli-feedback", "minBatch=1000000");

        var summary = (await fixture.RunAsync("run", "cli-feedback", CliFixture.TwoMoonsCsv, "--limit", "20", "--feedback", "--json")).Json();

        Assert.Equal("feedback", summary.GetProperty("labels").GetString());
        Assert.Equal(20, summary.GetProperty("feedbackSent").GetInt64());
        Assert.Equal(20, summary.GetProperty("labeled").GetInt64());
        var ct = TestContext.Current.CancellationToken;
        var metrics = await fixture.Client.GetMetricsAsync("cli-feedback", ct);
        Assert.Equal(20, metrics.Episodes);
    }

    [Fact]
    public async Task A_csv_with_blank_lines_and_no_label_runs_unlabeled()
    {
        await fixture.CreateBootstrappedAsync("cli-unlabeled", "minBatch=1000000");
        using var dir = new TempDirectory("sd-cli");
        var path = Path.Combine(dir.Path, "inputs.csv");
        await File.WriteAllTextAsync(path, "\ny,x\n0.25,0.5\n\n0.5,-1\r\n", TestContext.Current.CancellationToken);

        var summary = (await fixture.RunAsync("run", "cli-unlabeled", path, "--json")).Json();

        Assert.Equal(2, summary.GetProperty("episodes").GetInt64());
        Assert.Equal("none", summary.GetProperty("labels").GetString());
        Assert.Equal(System.Text.Json.JsonValueKind.Null, summary.GetProperty("accuracy").ValueKind);
    }

    [Fact]
    public async Task A_csv_without_a_feature_column_is_a_usage_error_and_sends_nothing()
    {
        await fixture.CreateBootstrappedAsync("cli-badcsv", "minBatch=1000000");
        using var dir = new TempDirectory("sd-cli");
        var path = Path.Combine(dir.Path, "bad.csv");
        await File.WriteAllTextAsync(path, "x,label\n0.5,upper\n", TestContext.Current.CancellationToken);

        var result = await fixture.RunAsync("run", "cli-badcsv", path);

        Assert.Equal(ExitCodes.Usage, result.ExitCode);
        Assert.Contains("feature column y", result.Error, StringComparison.Ordinal);
        Assert.Equal(0, (await fixture.Client.GetMetricsAsync("cli-badcsv", TestContext.Current.CancellationToken)).Episodes);
    }

    [Fact]
    public async Task Rows_the_service_refuses_are_counted_and_exit_1()
    {
        await fixture.CreateBootstrappedAsync("cli-badlabel", "minBatch=1000000");
        using var dir = new TempDirectory("sd-cli");
        var path = Path.Combine(dir.Path, "labels.csv");
        await File.WriteAllTextAsync(path, "x,y,label\n0.5,0.25,upper\n1.5,0.1,sideways\n", TestContext.Current.CancellationToken);

        var result = await fixture.RunAsync("run", "cli-badlabel", path, "--json");

        Assert.Equal(ExitCodes.Refused, result.ExitCode);
        var summary = System.Text.Json.JsonDocument.Parse(result.Out).RootElement;
        Assert.Equal(1, summary.GetProperty("episodes").GetInt64());
        Assert.Equal(1, summary.GetProperty("errorsByReason").GetProperty("unknown_label").GetInt64());
        Assert.Contains("(unknown_label)", result.Error, StringComparison.Ordinal);
        Assert.Contains("line 3", result.Error, StringComparison.Ordinal);
    }
}
