using System.Globalization;
using System.Reflection;

namespace SelfDissonance.Testing;

/// <summary>
/// One silo of the cluster profile as a real process (`dotnet SelfDissonance.Silo.dll`), as a pod would run it: its own
/// silo, gateway and HTTP ports, Redis and Azurite from the shared services. Killed with SIGKILL for chaos tests,
/// stopped with SIGTERM for clean shutdowns; started again on the same ports.
/// </summary>
public sealed class SiloProcess : IAsyncDisposable
{
    private readonly IReadOnlyDictionary<string, string?> _environment;
    private ExternalProcess? _process;

    public SiloProcess(string name, IReadOnlyDictionary<string, string?> environment)
    {
        Name = name;
        _environment = environment;
        Http = TestKeys.Client(BaseAddress, environment.TryGetValue("SD_ADMIN_KEY", out var key) ? key : TestKeys.Admin, timeout: TimeSpan.FromSeconds(30));
    }

    public string Name { get; }

    public int HttpPort { get; } = FreePort.Next();

    public int SiloPort { get; } = FreePort.Next();

    public int GatewayPort { get; } = FreePort.Next();

    public Uri BaseAddress => new($"http://127.0.0.1:{HttpPort}");

    public HttpClient Http { get; }

    public bool IsRunning => _process is { HasExited: false };

    /// <summary>The silo's own build output: the same configuration as the tests (Release in CI).</summary>
    public static string SiloDll
    {
        get
        {
            var configuration = typeof(SiloProcess).Assembly.GetCustomAttribute<AssemblyConfigurationAttribute>()?.Configuration ?? "Release";
            var path = Path.Combine(RepoPaths.Root, "src", "Silo", "bin", configuration, "net10.0", "SelfDissonance.Silo.dll");
            return File.Exists(path) ? path : throw new FileNotFoundException($"Build the silo first ({configuration}): {path}");
        }
    }

    public string Tail(int lines = 60) => _process?.Tail(lines) ?? "(not started)";

    /// <summary>The last 500 lines of output (JSON log records in the cluster profile).</summary>
    public IReadOnlyList<string> Output => _process?.Lines ?? [];

    public async Task StartAsync(TimeSpan? readyWithin = null)
    {
        var environment = new Dictionary<string, string?>(_environment)
        {
            ["ASPNETCORE_URLS"] = BaseAddress.ToString().TrimEnd('/'),
            ["SelfDissonance__Silo__SiloPort"] = SiloPort.ToString(CultureInfo.InvariantCulture),
            ["SelfDissonance__Silo__GatewayPort"] = GatewayPort.ToString(CultureInfo.InvariantCulture),
            ["DOTNET_gcServer"] = "0",
        };
        _process = ExternalProcess.Start("dotnet", [SiloDll], environment, Path.GetDirectoryName(SiloDll));
        await WaitReadyAsync(readyWithin ?? TimeSpan.FromSeconds(60));
    }

    public async Task WaitReadyAsync(TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (DateTime.UtcNow < deadline)
        {
            if (_process is not { HasExited: false })
            {
                throw new InvalidOperationException($"Silo {Name} exited before it was ready:\n{Tail()}");
            }

            try
            {
                using var response = await Http.GetAsync("/readyz");
                if (response.IsSuccessStatusCode)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
            }
            catch (TaskCanceledException)
            {
            }

            await Task.Delay(100);
        }

        throw new TimeoutException($"Silo {Name} was not ready within {timeout}:\n{Tail()}");
    }

    /// <summary>SIGKILL: no shutdown, no goodbye to the cluster, in-flight work abandoned.</summary>
    public void Kill() => _process?.Kill();

    /// <summary>SIGTERM and wait: the silo leaves the cluster cleanly.</summary>
    public async Task StopAsync()
    {
        if (_process is { } p)
        {
            await p.StopAsync(TimeSpan.FromSeconds(30));
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_process is { } p)
        {
            await p.DisposeAsync();
        }

        Http.Dispose();
    }
}
