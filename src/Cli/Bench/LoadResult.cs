namespace SelfDissonance.Cli.Bench;

/// <summary>What one load run measured on the client side.</summary>
internal sealed record LoadResult(long Completed, IReadOnlyDictionary<string, long> Errors, TimeSpan Elapsed, LatencySummary Latency, long MaxInFlight)
{
    public long ErrorCount => Errors.Values.Sum();

    public double Throughput => Elapsed > TimeSpan.Zero ? Completed / Elapsed.TotalSeconds : 0;
}
