using SelfDissonance.Client;
using SelfDissonance.Testing;

namespace SelfDissonance.Cli.Tests;

/// <summary>
/// The real gateway silo (<see cref="GatewayHost"/>) shared by the tests of this assembly, and sdctl run in-process
/// against it through <see cref="Cli.RunAsync"/>. Each test uses its own task ids.
/// </summary>
public sealed class CliFixture : IAsyncLifetime
{
    private readonly HttpClient _http = new() { Timeout = Timeout.InfiniteTimeSpan };

    public GatewayHost Host { get; } = new();

    /// <summary>The SDK on the same gateway, for arranging and checking what the commands did.</summary>
    public ISelfDissonanceClient Client { get; private set; } = null!;

    public string Url => Host.BaseAddress.ToString();

    public static string TwoMoonsCsv => Path.Combine(RepoPaths.Root, "samples", "data", "two-moons.csv");

    public async ValueTask InitializeAsync()
    {
        await Host.StartAsync();
        Client = new SelfDissonanceHttpClient(_http, new SelfDissonanceClientOptions { BaseAddress = Host.BaseAddress, ApiKey = Host.AdminKey, Timeout = TimeSpan.FromSeconds(60) });
    }

    public async ValueTask DisposeAsync()
    {
        _http.Dispose();
        await Host.DisposeAsync();
    }

    /// <summary>sdctl with --url and --api-key (the admin key) of the gateway, no terminal and no environment variables.</summary>
    public Task<CliResult> RunAsync(params string[] args) => RunAsync(CliEnvironment.NonInteractive, args);

    public async Task<CliResult> RunAsync(CliEnvironment environment, params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        var code = await Cli.RunAsync(["--url", Url, "--api-key", Host.AdminKey, .. args], output, error, environment, TestContext.Current.CancellationToken);
        return new CliResult(code, output.ToString(), error.ToString());
    }

    /// <summary>A two-moons task bootstrapped from the shipped CSV, through the CLI.</summary>
    public async Task CreateBootstrappedAsync(string task, params string[] policy)
    {
        string[] create = ["task", "create", task, "--features", "x,y", "--classes", "upper,lower"];
        var created = await RunAsync(policy.Length == 0 ? create : [.. create, "--policy", .. policy]);
        Assert.True(created.ExitCode == ExitCodes.Ok, created.ToString());
        var bootstrap = await RunAsync("bootstrap", task, TwoMoonsCsv);
        Assert.True(bootstrap.ExitCode == ExitCodes.Ok, bootstrap.ToString());
    }
}
