using System.Net;

namespace SelfDissonance.Cli.Bench;

/// <summary>What <c>sdctl bench</c> was asked to do.</summary>
internal sealed record BenchSettings(
    BenchOperation Operation,
    BenchTransport Transport,
    int Concurrency,
    double? Rate,
    TimeSpan Duration,
    TimeSpan Warmup,
    string? Task,
    int Batch,
    IReadOnlyList<IPEndPoint> Gateways,
    string ClusterId,
    string ServiceId,
    Uri? MetricsUrl,
    string? LatenciesPath = null);

internal enum BenchOperation
{
    /// <summary>POST /v1/tasks/{task}/episodes: the whole pipeline, stored before the answer.</summary>
    Episode,

    /// <summary>POST /v1/tasks/{task}/predict with --batch rows: proposer predictions only.</summary>
    Predict,
}

internal enum BenchTransport
{
    Http,
    Cluster,
}
