using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using SelfDissonance.Testing;
using static SelfDissonance.Testing.Api;

namespace SelfDissonance.ClusterProfile.Tests;

/// <summary>
/// A silo process of the cluster profile as an operator runs it: JSON logs carrying the request's trace id, traces and
/// metrics exported over OTLP from the standard OTEL_* variables, and the stream-lag gauges read from Redis.
/// </summary>
public sealed class ObservabilityTests(ClusterServices services)
{
    [Fact]
    public async Task A_silo_process_logs_json_with_trace_ids_exports_otlp_and_reports_stream_lag()
    {
        await using var otlp = new OtlpReceiver();
        await otlp.StartAsync();
        await using var cluster = new ProcessCluster(services, silos: 1, new Dictionary<string, string?>
        {
            ["OTEL_EXPORTER_OTLP_ENDPOINT"] = otlp.Endpoint,
            ["OTEL_EXPORTER_OTLP_PROTOCOL"] = "http/protobuf",
            ["OTEL_METRIC_EXPORT_INTERVAL"] = "1000",
            ["OTEL_BSP_SCHEDULE_DELAY"] = "200",
            ["SelfDissonance__Telemetry__StreamLagInterval"] = "00:00:01",
        });
        await cluster.StartAsync();
        var silo = cluster.Silos[0];

        // The caller's trace id reaches the grain that logs the task's creation.
        var trace = ActivityTraceId.CreateRandom();
        using (var request = new HttpRequestMessage(HttpMethod.Post, "/v1/tasks")
        {
            Content = System.Net.Http.Json.JsonContent.Create(new Client.Contracts.CreateTaskRequest("observed", TwoMoons.Features, TwoMoons.Classes), options: Json),
        })
        {
            request.Headers.Add("traceparent", $"00-{trace}-{ActivitySpanId.CreateRandom()}-01");
            (await silo.Http.SendAsync(request, Ct)).EnsureSuccessStatusCode();
        }

        var record = await Eventually.ReturnsAsync(
            () => Task.FromResult(silo.Output.Select(ParseRecord).FirstOrDefault(r => r?.GetProperty("Message").GetString()?.StartsWith("Created task observed", StringComparison.Ordinal) == true)),
            r => r is not null,
            TimeSpan.FromSeconds(10),
            "the JSON log record of the task's creation");
        Assert.Equal("Information", record!.Value.GetProperty("LogLevel").GetString());
        Assert.Equal("SelfDissonance.Tasks.TaskGrain", record.Value.GetProperty("Category").GetString());
        Assert.Contains(record.Value.GetProperty("Scopes").EnumerateArray(), s => s.TryGetProperty("TraceId", out var t) && t.GetString() == trace.ToString());

        // Episodes (without ids: the episode runner runs them): their spans and our meter reach the OTLP endpoint.
        var data = TwoMoons.Generate(260, seed: 71);
        await silo.Http.BootstrapAsync("observed", data[..120], data[120..220]);
        foreach (var example in data[220..240])
        {
            (await silo.Http.PostAsync("/v1/tasks/observed/episodes", new Client.Contracts.EpisodeRequest(Features(example), TwoMoons.Classes[example.Label]))).EnsureSuccessStatusCode();
        }

        await Eventually.TrueAsync(() => otlp.Received("traces", "IEpisodeRunnerGrain/RunNewAsync") && otlp.Received("traces", "learner ingest"), TimeSpan.FromSeconds(20), "episode spans over OTLP");
        await Eventually.TrueAsync(() => otlp.Received("metrics", "sd.episodes") && otlp.Received("metrics", "sd.model.accuracy"), TimeSpan.FromSeconds(20), "our meter over OTLP");

        // Stream lag, read from Redis: present for every provider's queues, and small on an idle silo.
        var lag = await Eventually.ReturnsAsync(
            () => silo.Http.GetStringAsync("/metrics", Ct),
            t => t.Contains("sd_streams_oldest_unacked_age_seconds{", StringComparison.Ordinal) && t.Contains("provider=\"sd-control\"", StringComparison.Ordinal),
            TimeSpan.FromSeconds(15),
            "the stream lag gauges");
        var ages = lag.Split('\n').Where(l => l.StartsWith("sd_streams_oldest_unacked_age_seconds{", StringComparison.Ordinal))
            .Select(l => double.Parse(l[(l.LastIndexOf(' ') + 1)..], CultureInfo.InvariantCulture)).ToList();
        Assert.NotEmpty(ages);
        Assert.All(ages, a => Assert.InRange(a, 0, 60));
        Assert.Contains("sd_streams_backlog{", lag, StringComparison.Ordinal);
        // The Orleans series deploy/observability's dashboard uses.
        Assert.Contains("orleans_consistent_ring_size", lag, StringComparison.Ordinal);
    }

    private static JsonElement? ParseRecord(string line)
    {
        if (!line.StartsWith('{'))
        {
            return null;
        }

        try
        {
            return JsonDocument.Parse(line).RootElement;
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
