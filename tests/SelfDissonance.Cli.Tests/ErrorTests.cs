using SelfDissonance.Testing;

namespace SelfDissonance.Cli.Tests;

public sealed class ErrorTests(CliFixture fixture)
{
    [Fact]
    public async Task A_refused_request_exits_1_with_the_reason_on_stderr()
    {
        var result = await fixture.RunAsync("task", "show", "cli-no-such-task");

        Assert.Equal(ExitCodes.Refused, result.ExitCode);
        Assert.Matches(@"^error: .+ \(task_not_found\) ", result.Error);
        Assert.Equal("", result.Out);
    }

    [Fact]
    public async Task Validation_problems_list_their_fields()
    {
        var result = await fixture.RunAsync("task", "create", "cli-bad task!", "--features", "x", "--classes", "only");

        Assert.Equal(ExitCodes.Refused, result.ExitCode);
        Assert.Contains("(invalid_", result.Error, StringComparison.Ordinal);
        Assert.Contains("\n  ", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_unreachable_service_exits_3()
    {
        var output = new StringWriter();
        var error = new StringWriter();

        var code = await Cli.RunAsync(["task", "list", "--url", $"http://127.0.0.1:{FreePort.Next()}"], output, error, null, TestContext.Current.CancellationToken);

        Assert.Equal(ExitCodes.Unavailable, code);
        Assert.Contains("(unreachable)", error.ToString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("task", "create", "t1", "--classes", "a,b")]
    [InlineData("no-such-command")]
    [InlineData("run", "t1", "f.csv", "--concurrency", "0")]
    [InlineData("task", "list", "--timeout", "soon")]
    [InlineData("watch", "t1", "--kinds", "episode,gossip")]
    [InlineData()]
    public async Task Parse_errors_exit_2(params string[] args)
    {
        var result = await fixture.RunAsync(args);

        Assert.Equal(ExitCodes.Usage, result.ExitCode);
        Assert.StartsWith("error: ", result.Error, StringComparison.Ordinal);
        Assert.Contains("--help", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_bad_url_is_a_usage_error()
    {
        var result = await fixture.RunAsync("task", "list", "--url", "127.0.0.1:5080");

        Assert.Equal(ExitCodes.Usage, result.ExitCode);
        Assert.Contains("--url", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_address_comes_from_SD_URL_when_not_given()
    {
        var output = new StringWriter();
        var error = new StringWriter();
        var environment = new CliEnvironment(TextReader.Null, false, false, name => name switch { "SD_URL" => fixture.Url, "SD_API_KEY" => fixture.Host.AdminKey, _ => null });

        var code = await Cli.RunAsync(["task", "list", "--json"], output, error, environment, TestContext.Current.CancellationToken);

        Assert.True(code == ExitCodes.Ok, error.ToString());
        Assert.Contains("\"tasks\"", output.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Cancellation_exits_130()
    {
        using var cancelled = new CancellationTokenSource();
        await cancelled.CancelAsync();

        var code = await Cli.RunAsync(["task", "list", "--url", fixture.Url, "--api-key", fixture.Host.AdminKey], new StringWriter(), new StringWriter(), null, cancelled.Token);

        Assert.Equal(ExitCodes.Cancelled, code);
    }
}
