using System.Diagnostics;
using HdrHistogram;

namespace SelfDissonance.Cli.Bench;

/// <summary>
/// Latencies in microseconds (1 µs to 1 h, three significant digits) in an HdrHistogram: percentiles to p99.9 with
/// fixed memory, recorded from many callers at once.
/// </summary>
internal sealed class LatencyHistogram
{
    private const long HighestMicros = 3_600_000_000;
    private readonly LongConcurrentHistogram _histogram = new(1, HighestMicros, 3);

    public long Count => _histogram.TotalCount;

    /// <summary>Records the time from <paramref name="startTimestamp"/> (a <see cref="Stopwatch"/> timestamp) to now.</summary>
    public void RecordSince(long startTimestamp) => Record(Stopwatch.GetElapsedTime(startTimestamp));

    public void Record(TimeSpan latency) => _histogram.RecordValue(Math.Clamp((long)latency.TotalMicroseconds, 1, HighestMicros));

    public LatencySummary Summarize() => _histogram.TotalCount == 0
        ? new LatencySummary(0, 0, 0, 0, 0, 0, 0)
        : new LatencySummary(
            Ms(_histogram.GetMean()),
            Ms(_histogram.GetValueAtPercentile(50)),
            Ms(_histogram.GetValueAtPercentile(90)),
            Ms(_histogram.GetValueAtPercentile(99)),
            Ms(_histogram.GetValueAtPercentile(99.9)),
            Ms(_histogram.GetMaxValue()),
            Ms(_histogram.GetValueAtPercentile(0)));

    private static double Ms(double micros) => Math.Round(micros / 1000.0, 3);
}

/// <summary>Latency percentiles in milliseconds.</summary>
internal sealed record LatencySummary(double Mean, double P50, double P90, double P99, double P999, double Max, double Min);
