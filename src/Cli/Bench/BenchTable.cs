using System.Globalization;
using SelfDissonance.Cli.Output;
using Spectre.Console;

namespace SelfDissonance.Cli.Bench;

/// <summary>The human form of a <see cref="BenchReport"/>.</summary>
internal static class BenchTable
{
    public static Table Render(BenchReport r)
    {
        var load = r.Mode == "rate"
            ? $"{Formats.Number(r.Rate)} req/s fixed rate, at most {r.Concurrency} in flight (latency from each request's due time)"
            : $"{r.Concurrency} concurrent callers";
        var rows = new List<(string, string)>
        {
            ("operation", r.Batch > 1 ? $"{r.Operation} ({r.Batch} rows)" : r.Operation),
            ("transport", $"{r.Transport} → {r.Target}"),
            ("task", r.Task),
            ("load", load),
            ("measured", $"{Formats.Number(r.DurationSeconds)} s after {Formats.Number(r.WarmupSeconds)} s warm-up"),
            ("requests / errors", $"{Formats.Count(r.Requests)} / {Formats.Count(r.Errors)}"),
            ("throughput", $"{N(r.Throughput)} req/s" + (r.Batch > 1 ? $" ({N(r.RowsPerSecond)} rows/s)" : "")),
            ("latency p50 / p90 / p99 / p99.9", $"{Ms(r.LatencyMs.P50)} / {Ms(r.LatencyMs.P90)} / {Ms(r.LatencyMs.P99)} / {Ms(r.LatencyMs.P999)}"),
            ("latency mean / max", $"{Ms(r.LatencyMs.Mean)} / {Ms(r.LatencyMs.Max)}"),
        };
        rows.AddRange(r.ErrorsByReason.Select(e => ($"  error {e.Key}", Formats.Count(e.Value))));
        if (r.Server is { } s)
        {
            rows.Add(("server CPU", $"{N(s.CpuPercent)}% of one core, {N(s.CpuMicrosPerRequest)} µs per request"));
            rows.Add(("server working set peak / last", $"{N(s.WorkingSetPeakMb)} / {N(s.WorkingSetLastMb)} MB"));
        }

        rows.Add(("client CPU", $"{N(r.Client.CpuPercent)}% of one core ({r.ProcessorCount} cores here)"));
        return Tables.KeyValues("sdctl bench", rows);
    }

    private static string N(double value) => value.ToString("#,0.#", CultureInfo.InvariantCulture);

    private static string Ms(double value) => value.ToString("0.###", CultureInfo.InvariantCulture) + " ms";
}
