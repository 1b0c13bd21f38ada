using SelfDissonance.Cli.Bench;

namespace SelfDissonance.Cli.Tests;

/// <summary>The parts of sdctl bench that need no server: reading a Prometheus scrape, and the latency histogram.</summary>
public sealed class BenchParsingTests
{
    [Fact]
    public void A_scrape_gives_cpu_as_the_sum_of_its_modes_and_the_working_set()
    {
        const string text = """
            # TYPE dotnet_process_cpu_time_seconds_total counter
            dotnet_process_cpu_time_seconds_total{otel_scope_name="System.Runtime",cpu_mode="user"} 2.5
            dotnet_process_cpu_time_seconds_total{otel_scope_name="System.Runtime",cpu_mode="system"} 0.25 1700000000000
            dotnet_process_cpu_count{otel_scope_name="System.Runtime"} 2
            dotnet_process_memory_working_set_bytes{otel_scope_name="System.Runtime"} 2.097152e+08
            """;

        var sample = ServerSample.Parse(text, DateTimeOffset.UnixEpoch);

        Assert.NotNull(sample);
        Assert.Equal(2.75, sample.CpuSeconds, 9);
        Assert.Equal(209_715_200, sample.WorkingSetBytes);
    }

    [Fact]
    public void A_scrape_without_the_runtime_meter_gives_nothing() =>
        Assert.Null(ServerSample.Parse("selfdissonance_episodes_total{task=\"a\"} 3\n", DateTimeOffset.UnixEpoch));

    [Fact]
    public void Percentiles_come_from_the_recorded_latencies()
    {
        var histogram = new LatencyHistogram();
        for (var i = 1; i <= 1_000; i++)
        {
            histogram.Record(TimeSpan.FromMilliseconds(i));
        }

        // Three significant digits: within 0.1% of the true value.
        var s = histogram.Summarize();

        Assert.Equal(1_000, histogram.Count);
        Assert.Equal(500, s.P50, tolerance: 1.0);
        Assert.Equal(900, s.P90, tolerance: 1.0);
        Assert.Equal(990, s.P99, tolerance: 1.0);
        Assert.Equal(999, s.P999, tolerance: 1.0);
        Assert.Equal(1_000, s.Max, tolerance: 1.0);
        Assert.Equal(500.5, s.Mean, tolerance: 1.0);
    }

    [Fact]
    public async Task A_fixed_rate_run_counts_a_stall_against_every_request_that_was_due_during_it()
    {
        // One slot, and each call takes 100 ms while requests are due every 10 ms: latency from the due time grows
        // with the queue, where latency from the send time would stay at 100 ms (coordinated omission).
        var result = await LoadDriver.RunAsync(_ => Task.Delay(100), 1, 100, TimeSpan.FromSeconds(1), e => e.GetType().Name, TestContext.Current.CancellationToken);

        Assert.InRange(result.Completed, 8, 12);
        Assert.True(result.Latency.Max >= 500, $"max {result.Latency.Max} ms");
        Assert.Equal(1, result.MaxInFlight);
    }
}
