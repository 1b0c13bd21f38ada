namespace SelfDissonance.Cli.Bench;

/// <summary>What one load run measured on the client side.</summary>
internal sealed record LoadResult(long Completed, IReadOnlyDictionary<string, long> Errors, TimeSpan Elapsed, LatencySummary Latency, long MaxInFlight)
{
    public long ErrorCount => Errors.Values.Sum();

    public double Throughput => Elapsed > TimeSpan.Zero ? Completed / Elapsed.TotalSeconds : 0;
}

/// <summary>One answered request of a load run: when it was due (or sent, in the closed loop) and how long it took.</summary>
internal readonly record struct RequestTiming(DateTimeOffset Due, double LatencyMs);
