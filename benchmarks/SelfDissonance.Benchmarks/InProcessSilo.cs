using System.Globalization;
using System.Net;
using System.Net.Sockets;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using SelfDissonance.Episodes;
using SelfDissonance.Policy;
using SelfDissonance.Silo.Hosting;
using SelfDissonance.Tasks;

namespace SelfDissonance.Benchmarks;

/// <summary>
/// The real gateway silo (<see cref="SiloApp"/>) in this process on free loopback ports, with a bootstrapped two-moons
/// task that does not learn while it is measured. Callers use its <see cref="IGrainFactory"/>: grain calls, no HTTP.
/// </summary>
internal sealed class InProcessSilo : IAsyncDisposable
{
    public const string TaskId = "bench";

    private readonly WebApplication _app;
    private readonly string _data;
    private long _next;

    private InProcessSilo(WebApplication app, string data)
    {
        _app = app;
        _data = data;
        Grains = app.Services.GetRequiredService<IGrainFactory>();
    }

    public IGrainFactory Grains { get; }

    public IReadOnlyList<float[]> Inputs { get; } = [.. TwoMoonsRows.Generate(4_096, 5).Select(r => r.Features.ToArray())];

    /// <param name="stateStore">File (the embedded default: every episode durable on disk) or Memory.</param>
    public static async Task<InProcessSilo> StartAsync(string stateStore = "File")
    {
        var data = Directory.CreateTempSubdirectory("sd-bench-").FullName;
        var settings = new Dictionary<string, string?>
        {
            ["SelfDissonance:DataDirectory"] = data,
            ["SelfDissonance:StateStore"] = stateStore,
            ["SelfDissonance:Silo:SiloPort"] = FreePort(),
            ["SelfDissonance:Silo:GatewayPort"] = FreePort(),
            ["SelfDissonance:Silo:ClusterId"] = $"bench-{Guid.NewGuid():N}",
            ["Logging:LogLevel:Default"] = "Warning",
        };
        var app = SiloApp.Build(["--urls", $"http://127.0.0.1:{FreePort()}"], b => b.Configuration.AddInMemoryCollection(settings));
        await app.StartAsync();
        var silo = new InProcessSilo(app, data);
        var rows = TwoMoonsRows.Generate(2_400, 1);
        var task = silo.Grains.GetGrain<ITaskGrain>(TaskId);
        await task.CreateAsync(TwoMoonsRows.Task(TaskId), new PolicyPatch { MinBatch = 1_000_000 });
        await task.BootstrapAsync(new BootstrapCommand([.. rows[..2_000]], [.. rows[2_000..]], "bench"));
        return silo;
    }

    /// <summary>
    /// One new episode through the whole pipeline (proposer, critic, gate, stored), as the gateway runs it: an episode
    /// without a caller's id goes to the episode runner; <paramref name="throughEpisodeGrain"/> takes the path of an id
    /// the caller chose (one episode grain activation each, idempotent under retries).
    /// </summary>
    public Task<EpisodeResult> RunEpisodeAsync(bool throughEpisodeGrain = false)
    {
        var n = Interlocked.Increment(ref _next);
        var id = Guid.NewGuid().ToString("N");
        var request = new EpisodeRequest(TaskId, id, [.. Inputs[(int)(n % Inputs.Count)]], null, EpisodeSource.Sync, DateTimeOffset.UtcNow);
        return throughEpisodeGrain
            ? Grains.GetGrain<IEpisodeGrain>(id).RunAsync(request)
            : Grains.GetGrain<IEpisodeRunnerGrain>(0).RunNewAsync(request);
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
        try
        {
            Directory.Delete(_data, recursive: true);
        }
        catch (IOException)
        {
            // A file still open at shutdown: the temporary folder is left behind.
        }
    }

    private static string FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port.ToString(CultureInfo.InvariantCulture);
    }
}
