namespace SelfDissonance.Cli.Bench;

/// <summary>
/// Scrapes a silo's /metrics once a second while a run lasts: CPU used over the run (from the first to the last
/// sample) and the largest working set seen.
/// </summary>
internal sealed class ServerSampler(HttpClient http, Uri metricsUrl)
{
    private static readonly TimeSpan s_period = TimeSpan.FromSeconds(1);
    private readonly List<ServerSample> _samples = [];

    public Uri Url => metricsUrl;

    public async Task<ServerSample?> SampleAsync(CancellationToken cancellationToken)
    {
        try
        {
            using var response = await http.GetAsync(metricsUrl, cancellationToken);
            if (!response.IsSuccessStatusCode)
            {
                return null;
            }

            var sample = ServerSample.Parse(await response.Content.ReadAsStringAsync(cancellationToken), DateTimeOffset.UtcNow);
            if (sample is not null)
            {
                lock (_samples)
                {
                    _samples.Add(sample);
                }
            }

            return sample;
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException && !cancellationToken.IsCancellationRequested)
        {
            return null;
        }
    }

    /// <summary>Samples until <paramref name="stop"/> is cancelled, then once more.</summary>
    public async Task RunAsync(CancellationToken stop)
    {
        await SampleAsync(CancellationToken.None);
        try
        {
            while (!stop.IsCancellationRequested)
            {
                await Task.Delay(s_period, stop);
                await SampleAsync(CancellationToken.None);
            }
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
        }

        await SampleAsync(CancellationToken.None);
    }

    /// <summary>The server's resource use over the samples taken, or null with fewer than two.</summary>
    public ServerUsage? Usage(long requests)
    {
        lock (_samples)
        {
            if (_samples.Count < 2)
            {
                return null;
            }

            var first = _samples[0];
            var last = _samples[^1];
            var seconds = (last.At - first.At).TotalSeconds;
            var cpu = last.CpuSeconds - first.CpuSeconds;
            return new ServerUsage(
                metricsUrl.ToString(),
                seconds > 0 ? Math.Round(100 * cpu / seconds, 1) : 0,
                Math.Round(cpu, 3),
                requests > 0 ? Math.Round(cpu * 1e6 / requests, 1) : 0,
                Mb(_samples.Max(s => s.WorkingSetBytes)),
                Mb(last.WorkingSetBytes),
                _samples.Count);
        }
    }

    private static double Mb(long bytes) => Math.Round(bytes / (1024.0 * 1024.0), 1);
}

/// <summary>The server's resource use during a run: CPU (100% = one core), CPU per request, and working set.</summary>
internal sealed record ServerUsage(string MetricsUrl, double CpuPercent, double CpuSeconds, double CpuMicrosPerRequest, double WorkingSetPeakMb, double WorkingSetLastMb, int Samples);
