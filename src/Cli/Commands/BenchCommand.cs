using System.Collections.Concurrent;
using System.CommandLine;
using System.CommandLine.Parsing;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using SelfDissonance.Cli.Bench;
using SelfDissonance.Client;

namespace SelfDissonance.Cli.Commands;

/// <summary><c>sdctl bench</c>: a load run with latency percentiles and the server's CPU and memory.</summary>
internal static class BenchCommand
{
    public const string DefaultGateway = "127.0.0.1:30000";

    public static Command Create(CliApp app)
    {
        var operation = new Option<BenchOperation>("--op") { Description = "What each request does: episode (the whole pipeline, stored) or predict (proposer only)", DefaultValueFactory = _ => BenchOperation.Episode };
        var transport = new Option<BenchTransport>("--transport") { Description = "http (the gateway at --url, keep-alive) or cluster (an Orleans cluster client, no HTTP)", DefaultValueFactory = _ => BenchTransport.Http };
        var concurrency = new Option<int>("--concurrency", "-c") { Description = "Callers (closed loop), or the cap on requests in flight with --rate; over HTTP one connection each", DefaultValueFactory = _ => 64, HelpName = "n" };
        var rate = new Option<double?>("--rate") { Description = "Fixed rate in requests/s (open loop; latency counted from each request's due time). Omit for a closed loop", HelpName = "per-second" };
        var duration = new Option<TimeSpan>("--duration", "-d") { Description = "Measured time: 10, 10s, 2m [default: 10s]", DefaultValueFactory = _ => TimeSpan.FromSeconds(10), CustomParser = r => Duration(r, "--duration"), HelpName = "duration" };
        var warmup = new Option<TimeSpan>("--warmup") { Description = "Same load before measuring, not counted (JIT, caches, connections) [default: 2s]", DefaultValueFactory = _ => TimeSpan.FromSeconds(2), CustomParser = r => Duration(r, "--warmup", allowZero: true), HelpName = "duration" };
        var task = new Option<string?>("--task") { Description = "An existing, bootstrapped task [default: create a two-moons task that does not learn during the run]", HelpName = "id" };
        var batch = new Option<int>("--batch") { Description = "Rows per predict request (--op predict)", DefaultValueFactory = _ => 1, HelpName = "rows" };
        var gateways = new Option<string[]>("--gateway") { Description = $"Orleans gateway host:port of a silo, repeatable (--transport cluster) [default: {DefaultGateway}]", HelpName = "host:port", AllowMultipleArgumentsPerToken = false };
        var clusterId = new Option<string>("--cluster-id") { Description = "Orleans cluster id (--transport cluster)", DefaultValueFactory = _ => "selfdissonance", HelpName = "id" };
        var serviceId = new Option<string>("--service-id") { Description = "Orleans service id (--transport cluster)", DefaultValueFactory = _ => "selfdissonance", HelpName = "id" };
        var latencies = new Option<string?>("--latencies") { Description = "Also write every answered request of the measured run to this CSV file: when it was due (Unix ms) and its latency (ms), to take percentiles over part of a run", HelpName = "file" };
        var metrics = new Option<string?>("--metrics-url") { Description = "Prometheus endpoint of the silo whose CPU and memory to report [default: --url + /metrics]; 'none' to skip", HelpName = "address" };
        var command = new Command("bench", "Load test: episodes or predictions at a fixed concurrency or rate; throughput, latency p50–p99.9, errors, server CPU and memory")
        {
            operation, transport, concurrency, rate, duration, warmup, task, batch, gateways, clusterId, serviceId, metrics, latencies,
        };
        command.SetAction(app.Handler(async (ctx, parse, ct) =>
        {
            var settings = new BenchSettings(
                parse.GetValue(operation),
                parse.GetValue(transport),
                Positive(parse.GetValue(concurrency), "--concurrency", 100_000),
                parse.GetValue(rate) is { } r ? (r is > 0 and <= 10_000_000 ? r : throw new UsageException($"--rate must be between 0 and 10,000,000 requests/s (got {r}).")) : null,
                parse.GetValue(duration),
                parse.GetValue(warmup),
                parse.GetValue(task),
                Positive(parse.GetValue(batch), "--batch", 100_000),
                [.. (parse.GetValue(gateways) is { Length: > 0 } g ? g : [DefaultGateway]).Select(Endpoint)],
                parse.GetValue(clusterId)!,
                parse.GetValue(serviceId)!,
                MetricsUrl(parse.GetValue(metrics), ctx.ClientOptions.BaseAddress!),
                LatenciesFile(parse.GetValue(latencies)));
            if (settings.Batch > 1 && settings.Operation != BenchOperation.Predict)
            {
                throw new UsageException("--batch applies to --op predict only.");
            }

            var report = await RunAsync(settings, ctx, ct);
            if (ctx.Json)
            {
                ctx.WriteJson(report);
            }
            else
            {
                ctx.Console.Write(BenchTable.Render(report));
            }

            return report.Requests == 0 ? ExitCodes.Unavailable : ExitCodes.Ok;
        }));
        return command;
    }

    private static async Task<BenchReport> RunAsync(BenchSettings settings, CommandContext ctx, CancellationToken cancellationToken)
    {
        await using var target = settings.Transport == BenchTransport.Http
            ? BenchTarget.Http(ctx.ClientOptions, settings.Concurrency)
            : await BenchTarget.ClusterAsync(settings, cancellationToken);
        await target.PrepareAsync(settings.Task, cancellationToken);
        if (target.Created && !ctx.Json)
        {
            ctx.Error.WriteLine($"created task {target.Task} (two-moons, bootstrapped, minBatch 1,000,000)");
        }

        var op = target.Operation(settings.Operation, settings.Batch);
        if (settings.Warmup > TimeSpan.Zero)
        {
            await LoadDriver.RunAsync(op, settings.Concurrency, settings.Rate, settings.Warmup, Classify, cancellationToken);
        }

        using var scrape = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
        if (ctx.ClientOptions.ApiKey is { } key)
        {
            scrape.DefaultRequestHeaders.Add("X-Api-Key", key);
        }

        var sampler = settings.MetricsUrl is { } url ? new ServerSampler(scrape, url) : null;
        using var stopSampling = new CancellationTokenSource();
        var sampling = sampler?.RunAsync(stopSampling.Token) ?? Task.CompletedTask;
        var cpuBefore = Process.GetCurrentProcess().TotalProcessorTime;
        var timings = settings.LatenciesPath is null ? null : new ConcurrentQueue<RequestTiming>();
        var result = await LoadDriver.RunAsync(op, settings.Concurrency, settings.Rate, settings.Duration, Classify, cancellationToken, timings);
        if (timings is not null)
        {
            await WriteTimingsAsync(settings.LatenciesPath!, timings, cancellationToken);
        }

        var clientCpu = (Process.GetCurrentProcess().TotalProcessorTime - cpuBefore).TotalSeconds;
        await stopSampling.CancelAsync();
        await sampling;
        var server = sampler?.Usage(result.Completed);
        if (sampler is not null && server is null)
        {
            ctx.Warn($"no CPU or memory figures from {sampler.Url} (it must serve Prometheus text with {ServerSample.CpuMetric}).");
        }

        var client = new ClientUsage(Math.Round(100 * clientCpu / result.Elapsed.TotalSeconds, 1), Math.Round(clientCpu, 3));
        return BenchReport.From(settings, target, result, server, client);
    }

    private static async Task WriteTimingsAsync(string path, IEnumerable<RequestTiming> timings, CancellationToken cancellationToken)
    {
        await using var file = new StreamWriter(path);
        await file.WriteLineAsync("due_unix_ms,latency_ms");
        foreach (var t in timings.OrderBy(t => t.Due))
        {
            await file.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"{t.Due.ToUnixTimeMilliseconds()},{t.LatencyMs:0.###}").AsMemory(), cancellationToken);
        }
    }

    /// <summary>The file must be creatable before any load is sent: a typo does not cost a whole run.</summary>
    private static string? LatenciesFile(string? path)
    {
        if (path is null)
        {
            return null;
        }

        var folder = Path.GetDirectoryName(Path.GetFullPath(path));
        return folder is not null && Directory.Exists(folder)
            ? path
            : throw new UsageException($"--latencies: the folder of '{path}' does not exist.");
    }

    private static string Classify(Exception e) => e switch
    {
        SelfDissonanceException s => s.Status is { } status ? $"{status.ToString(CultureInfo.InvariantCulture)} {s.Reason}" : s.Reason,
        TimeoutException or TaskCanceledException => "timeout",
        _ => e.GetType().Name,
    };

    private static int Positive(int value, string name, int max) =>
        value >= 1 && value <= max ? value : throw new UsageException($"{name} must be between 1 and {max.ToString("N0", CultureInfo.InvariantCulture)} (got {value}).");

    private static IPEndPoint Endpoint(string text) =>
        IPEndPoint.TryParse(text, out var endpoint) && endpoint.Port > 0
            ? endpoint
            : throw new UsageException($"--gateway must be an IP address and port, like {DefaultGateway} (got '{text}').");

    private static Uri? MetricsUrl(string? text, Uri baseAddress)
    {
        if (string.Equals(text, "none", StringComparison.OrdinalIgnoreCase))
        {
            return null;
        }

        if (text is null)
        {
            return new Uri(baseAddress, "/metrics");
        }

        return Uri.TryCreate(text, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https"
            ? uri
            : throw new UsageException($"--metrics-url must be an absolute http address or 'none' (got '{text}').");
    }

    private static TimeSpan Duration(ArgumentResult result, string name, bool allowZero = false)
    {
        var text = result.Tokens.Count > 0 ? result.Tokens[0].Value.Trim() : "";
        if (allowZero && text is "0" or "0s")
        {
            return TimeSpan.Zero;
        }

        if (GlobalOptions.ParseDuration(text) is { } span)
        {
            return span;
        }

        result.AddError($"{name} must be a duration between 1 ms and 1 h, like 10, 10s, 500ms or 2m (got '{text}').");
        return TimeSpan.Zero;
    }
}
