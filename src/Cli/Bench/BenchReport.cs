namespace SelfDissonance.Cli.Bench;

/// <summary>The result of <c>sdctl bench</c> (its --json document).</summary>
internal sealed record BenchReport(
    string Operation,
    string Transport,
    string Target,
    string Task,
    string Mode,
    int Concurrency,
    double? Rate,
    int Batch,
    double WarmupSeconds,
    double DurationSeconds,
    long Requests,
    long Errors,
    IReadOnlyDictionary<string, long> ErrorsByReason,
    double Throughput,
    double RowsPerSecond,
    long MaxInFlight,
    LatencySummary LatencyMs,
    ServerUsage? Server,
    ClientUsage Client,
    int ProcessorCount)
{
    public static BenchReport From(BenchSettings settings, BenchTarget target, LoadResult result, ServerUsage? server, ClientUsage client) => new(
        settings.Operation.ToString().ToLowerInvariant(),
        settings.Transport.ToString().ToLowerInvariant(),
        target.Description,
        target.Task,
        settings.Rate is null ? "concurrency" : "rate",
        settings.Concurrency,
        settings.Rate,
        settings.Batch,
        settings.Warmup.TotalSeconds,
        Math.Round(result.Elapsed.TotalSeconds, 3),
        result.Completed,
        result.ErrorCount,
        result.Errors,
        Math.Round(result.Throughput, 1),
        Math.Round(result.Throughput * (settings.Operation == BenchOperation.Predict ? settings.Batch : 1), 1),
        result.MaxInFlight,
        result.Latency,
        server,
        client,
        Environment.ProcessorCount);
}

/// <summary>The load tool's own CPU over the measured run (it shares the machine with the server on loopback).</summary>
internal sealed record ClientUsage(double CpuPercent, double CpuSeconds);
