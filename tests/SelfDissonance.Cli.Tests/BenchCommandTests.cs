using System.Globalization;
using System.Text.Json;

namespace SelfDissonance.Cli.Tests;

/// <summary>sdctl bench against the real gateway: sane numbers, JSON that parses, both transports, both load modes.</summary>
public sealed class BenchCommandTests(CliFixture fixture)
{
    [Fact]
    public async Task Closed_loop_over_http_reports_throughput_percentiles_and_the_servers_cpu_and_memory()
    {
        var result = await fixture.RunAsync("--json", "bench", "--concurrency", "4", "--duration", "2s", "--warmup", "500ms");
        Assert.True(result.ExitCode == ExitCodes.Ok, result.ToString());
        var report = result.Json();

        Assert.Equal("episode", report.GetProperty("operation").GetString());
        Assert.Equal("http", report.GetProperty("transport").GetString());
        Assert.Equal("concurrency", report.GetProperty("mode").GetString());
        var requests = report.GetProperty("requests").GetInt64();
        Assert.True(requests > 0, result.ToString());
        Assert.Equal(0, report.GetProperty("errors").GetInt64());
        var seconds = report.GetProperty("durationSeconds").GetDouble();
        Assert.InRange(seconds, 1.9, 30);
        // The report rounds the duration to the millisecond and the throughput to a tenth: the throughput is requests over
        // the unrounded duration, so it lies within what those roundings allow (at 3,600/s a millisecond is 0.9/s).
        Assert.InRange(report.GetProperty("throughput").GetDouble(), (requests / (seconds + 0.0005)) - 0.05, (requests / (seconds - 0.0005)) + 0.05);
        Assert.InRange(report.GetProperty("maxInFlight").GetInt64(), 1, 4);
        AssertOrderedPercentiles(report.GetProperty("latencyMs"));

        // The server's own figures, from its Prometheus endpoint: it did work, and a silo takes some memory.
        var server = report.GetProperty("server");
        Assert.True(server.GetProperty("cpuSeconds").GetDouble() > 0, result.ToString());
        Assert.True(server.GetProperty("cpuMicrosPerRequest").GetDouble() > 0);
        Assert.InRange(server.GetProperty("workingSetPeakMb").GetDouble(), 50, 8_192);

        // The service saw every episode the tool counted (the warm-up ones too) on the task it created.
        var task = report.GetProperty("task").GetString()!;
        var metrics = await Testing.Eventually.ReturnsAsync(() => fixture.Client.GetMetricsAsync(task, TestContext.Current.CancellationToken), m => m.Episodes >= requests, TimeSpan.FromSeconds(10), "episode counters");
        Assert.True(metrics.Episodes >= requests);
    }

    [Fact]
    public async Task Fixed_rate_sends_about_rate_times_duration_and_counts_latency_from_the_due_time()
    {
        await fixture.CreateBootstrappedAsync("bench-rate", "minBatch=1000000");

        var latencies = Path.Combine(Path.GetTempPath(), $"sd-latencies-{Guid.NewGuid():N}.csv");
        var before = DateTimeOffset.UtcNow;
        var report = (await fixture.RunAsync("--json", "bench", "--task", "bench-rate", "--rate", "50", "--concurrency", "8", "--duration", "2s", "--warmup", "0", "--latencies", latencies)).Json();
        var after = DateTimeOffset.UtcNow;

        Assert.Equal("rate", report.GetProperty("mode").GetString());
        Assert.Equal(50, report.GetProperty("rate").GetDouble());
        // 50/s for 2 s is 100 requests due; a slow shared machine may finish a few late but never sends more.
        Assert.InRange(report.GetProperty("requests").GetInt64() + report.GetProperty("errors").GetInt64(), 90, 101);
        Assert.InRange(report.GetProperty("maxInFlight").GetInt64(), 1, 8);
        AssertOrderedPercentiles(report.GetProperty("latencyMs"));

        // --latencies: one line per answered request, due 20 ms apart (50/s) within the run, latencies that give the
        // report's percentiles.
        var lines = File.ReadAllLines(latencies);
        File.Delete(latencies);
        Assert.Equal("due_unix_ms,latency_ms", lines[0]);
        var timings = lines.Skip(1).Select(l => l.Split(',')).Select(f => (Due: long.Parse(f[0], CultureInfo.InvariantCulture), Ms: double.Parse(f[1], CultureInfo.InvariantCulture))).ToList();
        Assert.Equal(report.GetProperty("requests").GetInt64(), timings.Count);
        Assert.All(timings, t => Assert.InRange(t.Due, before.ToUnixTimeMilliseconds(), after.ToUnixTimeMilliseconds()));
        Assert.InRange(timings[^1].Due - timings[0].Due, 20 * (timings.Count - 1) - 5, 20 * (timings.Count - 1) + 5);
        Assert.Equal(report.GetProperty("latencyMs").GetProperty("max").GetDouble(), timings.Max(t => t.Ms), tolerance: 0.5);
    }

    [Fact]
    public async Task A_latencies_file_in_a_missing_folder_is_a_usage_error_before_any_load()
    {
        var result = await fixture.RunAsync("bench", "--task", "no-such-bench-task", "--latencies", "/no/such/folder/latencies.csv");

        Assert.Equal(ExitCodes.Usage, result.ExitCode);
        Assert.Contains("--latencies", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Cluster_transport_drives_episodes_without_http()
    {
        await fixture.CreateBootstrappedAsync("bench-cluster", "minBatch=1000000");
        var gateway = $"127.0.0.1:{fixture.Host.GatewayPort.ToString(CultureInfo.InvariantCulture)}";

        var result = await fixture.RunAsync("--json", "bench", "--transport", "cluster", "--gateway", gateway, "--cluster-id", fixture.Host.ClusterId, "--task", "bench-cluster", "-c", "8", "-d", "2s", "--warmup", "500ms");

        Assert.True(result.ExitCode == ExitCodes.Ok, result.ToString());
        var report = result.Json();
        Assert.Equal("cluster", report.GetProperty("transport").GetString());
        Assert.Equal(gateway, report.GetProperty("target").GetString());
        Assert.True(report.GetProperty("requests").GetInt64() > 0);
        Assert.Equal(0, report.GetProperty("errors").GetInt64());
        var metrics = await fixture.Client.GetMetricsAsync("bench-cluster", TestContext.Current.CancellationToken);
        Assert.True(metrics.Episodes >= report.GetProperty("requests").GetInt64());
    }

    [Fact]
    public async Task Predict_batches_report_rows_per_second_and_the_table_names_every_percentile()
    {
        await fixture.CreateBootstrappedAsync("bench-predict", "minBatch=1000000");

        var report = (await fixture.RunAsync("--json", "bench", "--op", "predict", "--batch", "100", "--task", "bench-predict", "-c", "2", "-d", "1s", "--warmup", "0")).Json();
        Assert.Equal(100, report.GetProperty("batch").GetInt32());
        Assert.Equal(report.GetProperty("throughput").GetDouble() * 100, report.GetProperty("rowsPerSecond").GetDouble(), tolerance: 100.0);
        Assert.True(report.GetProperty("requests").GetInt64() > 0);

        var table = await fixture.RunAsync("bench", "--op", "predict", "--task", "bench-predict", "-c", "1", "-d", "500ms", "--warmup", "0", "--metrics-url", "none");
        Assert.True(table.ExitCode == ExitCodes.Ok, table.ToString());
        Assert.Contains("p50 / p90 / p99 / p99.9", table.Out, StringComparison.Ordinal);
        Assert.DoesNotContain("server CPU", table.Out, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("--batch", "10")]
    [InlineData("--rate", "0")]
    [InlineData("--concurrency", "0")]
    [InlineData("--gateway", "localhost")]
    [InlineData("--duration", "soon")]
    public async Task Bad_arguments_are_usage_errors_and_send_nothing(string option, string value)
    {
        var result = await fixture.RunAsync("bench", "--task", "no-such-bench-task", option, value);

        Assert.Equal(ExitCodes.Usage, result.ExitCode);
        Assert.Contains(option, result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_unknown_task_is_refused_before_any_load()
    {
        var result = await fixture.RunAsync("bench", "--task", "no-such-bench-task", "-d", "1s");

        Assert.Equal(ExitCodes.Refused, result.ExitCode);
        Assert.Contains("task_not_found", result.Error, StringComparison.Ordinal);
    }

    private static void AssertOrderedPercentiles(JsonElement latency)
    {
        double[] ordered = [.. new[] { "min", "p50", "p90", "p99", "p999", "max" }.Select(p => latency.GetProperty(p).GetDouble())];
        Assert.True(ordered[0] > 0, latency.ToString());
        for (var i = 1; i < ordered.Length; i++)
        {
            Assert.True(ordered[i] >= ordered[i - 1], latency.ToString());
        }
    }
}
