using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Orleans.Configuration;
using SelfDissonance.Cli.Demo;
using SelfDissonance.Client;
using SelfDissonance.Client.Contracts;

namespace SelfDissonance.Cli.Bench;

/// <summary>
/// The client a bench drives (the SDK over HTTP with one connection per caller, or over an Orleans cluster client) and
/// the task it drives: an existing one, or a fresh two-moons task that will not learn while it is measured.
/// </summary>
internal sealed class BenchTarget : IAsyncDisposable
{
    private readonly IDisposable? _http;
    private readonly IHost? _host;
    private IReadOnlyList<Dictionary<string, double>> _inputs = [];
    private long _next;

    private BenchTarget(ISelfDissonanceClient client, string description, IDisposable? http, IHost? host)
    {
        Client = client;
        Description = description;
        _http = http;
        _host = host;
    }

    public ISelfDissonanceClient Client { get; }

    /// <summary>Where requests go: the gateway URL or the cluster client's gateways.</summary>
    public string Description { get; }

    public string Task { get; private set; } = "";

    public bool Created { get; private set; }

    public static BenchTarget Http(SelfDissonanceClientOptions options, int connections)
    {
        // No retries: a bench counts every failure. One pooled connection per caller, kept alive.
        var bench = new SelfDissonanceClientOptions { BaseAddress = options.BaseAddress, ApiKey = options.ApiKey, Timeout = options.Timeout, MaxRetries = 0 };
        var handler = new SocketsHttpHandler { MaxConnectionsPerServer = connections, PooledConnectionIdleTimeout = TimeSpan.FromMinutes(5) };
        var http = new HttpClient(handler) { Timeout = Timeout.InfiniteTimeSpan };
        return new BenchTarget(new SelfDissonanceHttpClient(http, bench), options.BaseAddress!.ToString(), http, null);
    }

    public static async Task<BenchTarget> ClusterAsync(BenchSettings settings, CancellationToken cancellationToken)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.UseOrleansClient(client => client
            .UseStaticClustering([.. settings.Gateways])
            .Configure<ClusterOptions>(o =>
            {
                o.ClusterId = settings.ClusterId;
                o.ServiceId = settings.ServiceId;
            }));
        var host = builder.Build();
        try
        {
            await host.StartAsync(cancellationToken);
        }
        catch
        {
            host.Dispose();
            throw;
        }

        var client = new SelfDissonanceClusterClient(host.Services.GetRequiredService<IClusterClient>(), new SelfDissonanceClusterClientOptions { MaxRetries = 0, Caller = "sdctl-bench" });
        return new BenchTarget(client, string.Join(",", settings.Gateways.Select(g => g.ToString())), null, host);
    }

    /// <summary>Uses <paramref name="task"/> when given (it must serve), else creates and bootstraps a two-moons task.</summary>
    public async Task PrepareAsync(string? task, CancellationToken cancellationToken)
    {
        if (task is not null)
        {
            var existing = await Client.GetTaskAsync(task, cancellationToken);
            Task = existing.Id;
            _inputs = Inputs(existing.Features);
            return;
        }

        Task = $"bench-{Guid.NewGuid():N}"[..14];
        // A minimum batch no run reaches: the learner never trains while the serving path is measured.
        await Client.CreateTaskAsync(new CreateTaskRequest(Task, [.. TwoMoonsData.Features], [.. TwoMoonsData.Classes], new PolicyUpdate { MinBatch = 1_000_000 }), cancellationToken);
        var rows = TwoMoonsData.Generate(2_400, seed: 11);
        await Client.BootstrapAsync(Task, new BootstrapRequest(rows[..2_000], rows[2_000..]), cancellationToken);
        Created = true;
        _inputs = Inputs(TwoMoonsData.Features);
    }

    public Func<CancellationToken, Task> Operation(BenchOperation operation, int batch) => operation switch
    {
        BenchOperation.Episode => ct => Client.RunEpisodeAsync(Task, new EpisodeRequest(NextInput()), ct),
        BenchOperation.Predict when batch == 1 => ct => Client.PredictAsync(Task, new PredictRequest(NextInput()), ct),
        _ => ct => Client.PredictManyAsync(Task, [.. Enumerable.Range(0, batch).Select(_ => new PredictRequest(NextInput()))], ct),
    };

    public async ValueTask DisposeAsync()
    {
        _http?.Dispose();
        if (_host is not null)
        {
            await _host.StopAsync();
            _host.Dispose();
        }
    }

    private Dictionary<string, double> NextInput() => _inputs[(int)(Interlocked.Increment(ref _next) % _inputs.Count)];

    /// <summary>Two-moons points for a two-moons task; standard normal values otherwise (some may be out of distribution).</summary>
    private static List<Dictionary<string, double>> Inputs(IReadOnlyList<string> features)
    {
        if (features.SequenceEqual(TwoMoonsData.Features))
        {
            return [.. TwoMoonsData.Generate(4_096, seed: 12).Select(r => new Dictionary<string, double>(r.Features!))];
        }

        var random = new Random(12);
        return [.. Enumerable.Range(0, 4_096).Select(_ => features.ToDictionary(f => f, _ => Math.Round((random.NextDouble() * 4) - 2, 4)))];
    }
}
