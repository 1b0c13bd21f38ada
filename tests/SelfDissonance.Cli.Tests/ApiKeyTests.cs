using SelfDissonance.Testing;

namespace SelfDissonance.Cli.Tests;

/// <summary>sdctl against a gateway that requires keys: refused without one, and every way of giving one works.</summary>
public sealed class ApiKeyTests(CliFixture fixture)
{
    [Fact]
    public async Task Without_a_key_the_gateway_refuses_and_sdctl_exits_1_with_the_reason()
    {
        var (code, _, error) = await RunAsync(["--url", fixture.Url, "task", "list"], _ => null);

        Assert.Equal(ExitCodes.Refused, code);
        Assert.Contains("(unauthenticated)", error, StringComparison.Ordinal);

        (code, _, error) = await RunAsync(["--url", fixture.Url, "--api-key", "sd_0123456789ab_wrong", "task", "list"], _ => null);
        Assert.Equal(ExitCodes.Refused, code);
        Assert.Contains("(invalid_api_key)", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_key_comes_from_a_file_or_the_environment()
    {
        using var folder = new TempDirectory("sd-cli-key");
        var file = Path.Combine(folder.Path, "admin.key");
        await File.WriteAllTextAsync(file, fixture.Host.AdminKey + "\n", TestContext.Current.CancellationToken);

        var (code, output, error) = await RunAsync(["--url", fixture.Url, "--api-key-file", file, "task", "list", "--json"], _ => null);
        Assert.True(code == ExitCodes.Ok, error);
        Assert.Contains("\"tasks\"", output, StringComparison.Ordinal);

        (code, _, error) = await RunAsync(["--url", fixture.Url, "task", "list"], name => name == "SD_API_KEY_FILE" ? file : null);
        Assert.True(code == ExitCodes.Ok, error);

        // The command line wins over the environment.
        (code, _, error) = await RunAsync(["--url", fixture.Url, "--api-key-file", file, "task", "list"], name => name == "SD_API_KEY" ? "not-the-key-at-all" : null);
        Assert.True(code == ExitCodes.Ok, error);

        (code, _, error) = await RunAsync(["--url", fixture.Url, "--api-key-file", Path.Combine(folder.Path, "missing.key"), "task", "list"], _ => null);
        Assert.Equal(ExitCodes.Usage, code);
        Assert.Contains("--api-key-file", error, StringComparison.Ordinal);
    }

    private static async Task<(int Code, string Out, string Error)> RunAsync(string[] args, Func<string, string?> variables)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        var code = await Cli.RunAsync(args, output, error, new CliEnvironment(TextReader.Null, false, false, variables), TestContext.Current.CancellationToken);
        return (code, output.ToString(), error.ToString());
    }
}
