using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using SelfDissonance.Cli.Bench;

namespace SelfDissonance.Benchmarks;

/// <summary>
/// <c>pipeline</c>: episodes through an in-process silo with grain calls only (no HTTP), closed loop at a fixed number
/// in flight, with sdctl bench's load driver and HdrHistogram; prints one JSON document.
/// </summary>
internal static class PipelineLoad
{
    public static async Task<int> RunAsync(string[] args)
    {
        var concurrency = Int(args, "--concurrency", 256);
        var duration = TimeSpan.FromSeconds(Int(args, "--duration", 10));
        var warmup = TimeSpan.FromSeconds(Int(args, "--warmup", 3));
        var store = Value(args, "--state") ?? "File";
        // --path runner (default: episodes without a caller's id, as the gateway runs them) or grain (caller-chosen ids).
        var path = Value(args, "--path") ?? "runner";
        if (path is not ("runner" or "grain"))
        {
            Console.Error.WriteLine($"--path must be runner or grain (got '{path}').");
            return 2;
        }

        await using var silo = await InProcessSilo.StartAsync(store);
        Task Op(CancellationToken _) => silo.RunEpisodeAsync(throughEpisodeGrain: path == "grain");
        await LoadDriver.RunAsync(Op, concurrency, null, warmup, e => e.GetType().Name, CancellationToken.None);
        var process = Process.GetCurrentProcess();
        var cpu = process.TotalProcessorTime;
        var result = await LoadDriver.RunAsync(Op, concurrency, null, duration, e => e.GetType().Name, CancellationToken.None);
        process.Refresh();
        var cpuSeconds = (process.TotalProcessorTime - cpu).TotalSeconds;
        var report = new
        {
            operation = "episode",
            transport = "in-process grain calls",
            stateStore = store,
            path = path == "grain" ? "episode grain (caller-chosen ids)" : "episode runner (server-made ids)",
            concurrency,
            durationSeconds = Math.Round(result.Elapsed.TotalSeconds, 3),
            requests = result.Completed,
            errors = result.ErrorCount,
            errorsByReason = result.Errors,
            throughput = Math.Round(result.Throughput, 1),
            latencyMs = result.Latency,
            processCpuPercent = Math.Round(100 * cpuSeconds / result.Elapsed.TotalSeconds, 1),
            cpuMicrosPerEpisode = result.Completed > 0 ? Math.Round(cpuSeconds * 1e6 / result.Completed, 1) : 0,
            workingSetMb = Math.Round(process.WorkingSet64 / (1024.0 * 1024.0), 1),
            processorCount = Environment.ProcessorCount,
        };
        Console.WriteLine(JsonSerializer.Serialize(report, new JsonSerializerOptions { WriteIndented = true }));
        return result.Completed > 0 ? 0 : 1;
    }

    private static string? Value(string[] args, string name)
    {
        var i = Array.IndexOf(args, name);
        return i >= 0 && i + 1 < args.Length ? args[i + 1] : null;
    }

    private static int Int(string[] args, string name, int fallback) =>
        Value(args, name) is { } text ? int.Parse(text, CultureInfo.InvariantCulture) : fallback;
}
