using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net.ServerSentEvents;
using System.Text.Json;
using SelfDissonance.Client;
using SelfDissonance.Client.Contracts;
using SelfDissonance.Tasks;
using SelfDissonance.Testing;
using static SelfDissonance.Testing.Api;

namespace SelfDissonance.Silo.Tests;

/// <summary>
/// Drift end to end (README "How it learns"): with the default drift settings, a stable concept rings nothing; labels
/// that follow a changed concept raise the proposer's error until the Page-Hinkley test rings, and the alarm reaches the
/// task's live events (raw server-sent events and the SDK's watch, which sdctl watch prints), the task metrics'
/// driftAlarms, the cycle log (a cycle with trigger drift) and Prometheus' sd_learning_drift counter.
/// </summary>
public sealed class DriftAlarmTests(ITestOutputHelper output)
{
    private const string TaskId = "drift-e2e";
    private const int Bootstrap = 200;
    private const int Stable = 150;
    private const int Changed = 60;
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(15);

    [Fact]
    public async Task A_changed_concept_rings_one_drift_alarm_seen_on_live_events_metrics_cycles_and_prometheus()
    {
        var clock = Stopwatch.StartNew();
        // Drift settings are the defaults (threshold 20, tolerance 0.005, 30 labels, weight 0.25). Only the drift alarm
        // may start a cycle: no timer, no batch size reached. The proposer stays the bootstrap model, so where the alarm
        // rings depends on the seeded data alone.
        await using var host = new GatewayHost(new() { ["SelfDissonance:Learning:CycleInterval"] = "00:10:00" });
        await host.StartAsync();
        output.WriteLine($"host: {clock.Elapsed.TotalSeconds:F1} s");
        var http = host.Http;
        var data = TwoMoons.Generate(Bootstrap + 100 + Stable + Changed, seed: 17);
        await http.CreateTwoMoonsTaskAsync(TaskId, new PolicyUpdate { MinBatch = 1_000_000 });
        await http.BootstrapAsync(TaskId, data[..Bootstrap], data[Bootstrap..(Bootstrap + 100)]);
        output.WriteLine($"host and bootstrap: {clock.Elapsed.TotalSeconds:F1} s");
        var stable = data[(Bootstrap + 100)..(Bootstrap + 100 + Stable)];
        var changed = data[(Bootstrap + 100 + Stable)..];

        // Raw SSE: the route subscribes before it answers, so after the headers every event reaches this reader.
        using var watching = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        using var sseHttp = host.CreateClient(host.AdminKey);
        using var response = await sseHttp.GetAsync($"/v1/tasks/{TaskId}/events", HttpCompletionOption.ResponseHeadersRead, Ct);
        response.EnsureSuccessStatusCode();
        Assert.Equal("text/event-stream", response.Content.Headers.ContentType?.MediaType);
        var raw = new ConcurrentQueue<SseItem<string>>();
        var body = await response.Content.ReadAsStreamAsync(Ct);
        var rawReader = Task.Run(async () =>
        {
            await foreach (var item in SseParser.Create(body).EnumerateAsync(watching.Token))
            {
                raw.Enqueue(item);
            }
        }, Ct);

        // The SDK's watch (what sdctl watch prints) over its own connection.
        using var sdkHttp = new HttpClient();
        var sdk = new SelfDissonanceHttpClient(sdkHttp, new SelfDissonanceClientOptions { BaseAddress = host.BaseAddress, ApiKey = host.AdminKey });
        var viaSdk = new ConcurrentQueue<TaskEvent>();
        var sdkReader = Task.Run(async () =>
        {
            await foreach (var e in sdk.WatchAsync(TaskId, watching.Token))
            {
                viaSdk.Enqueue(e);
            }
        }, Ct);

        try
        {
            // Phase 1: labels of the concept the proposer learned.
            await SendAsync(http, stable, "stable", flip: false);
            var afterStable = await Eventually.ReturnsAsync(() => http.MetricsAsync(TaskId), m => m.Learner.LabeledRows == Bootstrap + Stable, Patience, "the learner taking the stable labels");
            var boundary = afterStable.Learner.LabeledRows;
            var proposer = afterStable.Proposer.Single(v => v.Stage == "production");
            Assert.Equal(Stable, proposer.LiveSamples);
            Assert.True(proposer.LiveAccuracy >= 0.9, $"the proposer should be accurate on the stable concept: {proposer.LiveAccuracy:P1}");

            // Both watchers saw the last stable episode, so they were subscribed before the concept changes.
            var lastStable = $"{TaskId}-stable-{Stable - 1}";
            await Eventually.TrueAsync(() => raw.Any(i => i.EventType == TaskEventKinds.Episode && i.Data.Contains(lastStable, StringComparison.Ordinal)), Patience, "the last stable episode over SSE");
            await Eventually.TrueAsync(() => viaSdk.Any(e => e.Episode?.Id == lastStable), Patience, "the last stable episode over the SDK");
            Assert.Equal("ready", raw.First().EventType);

            output.WriteLine($"stable phase taken: {clock.Elapsed.TotalSeconds:F1} s");

            // No false alarm on a stable concept.
            Assert.Equal(0, afterStable.Learner.DriftAlarms);
            Assert.DoesNotContain(raw, i => i.EventType == TaskEventKinds.Drift);
            Assert.DoesNotContain(viaSdk, e => e.Kind == TaskEventKinds.Drift);
            Assert.Empty((await CyclesAsync(http)).Cycles);
            Assert.Equal(0, await PrometheusDriftAsync(http));

            // Phase 2: the same inputs, labels flipped. The proposer (held by the old golden holdout) is now mostly wrong.
            await SendAsync(http, changed, "changed", flip: true);

            await Eventually.TrueAsync(() => raw.Any(i => i.EventType == TaskEventKinds.Drift), Patience, "the drift event over SSE");
            output.WriteLine($"changed phase sent, drift seen: {clock.Elapsed.TotalSeconds:F1} s");
            var driftItem = raw.First(i => i.EventType == TaskEventKinds.Drift);
            output.WriteLine($"drift event: {driftItem.Data} (stable phase ended at {boundary} labeled rows)");
            var wire = JsonDocument.Parse(driftItem.Data).RootElement;
            Assert.Equal(TaskEventKinds.Drift, wire.GetProperty("kind").GetString());
            Assert.Equal(TaskId, wire.GetProperty("task").GetString());
            var drift = wire.GetProperty("drift");
            Assert.Equal(1, drift.GetProperty("alarms").GetInt32());
            var labeledRows = drift.GetProperty("labeledRows").GetInt32();
            // Page-Hinkley with threshold 20 needs a couple dozen wrong answers after 150 right ones, and at least 30 labels.
            Assert.InRange(labeledRows, boundary + 10, boundary + Changed);
            Assert.Equal(0.25, drift.GetProperty("preDriftWeight").GetDouble());

            await Eventually.TrueAsync(() => viaSdk.Any(e => e.Kind == TaskEventKinds.Drift), Patience, "the drift event over the SDK's watch");
            var sdkDrift = viaSdk.First(e => e.Kind == TaskEventKinds.Drift);
            Assert.Equal(TaskId, sdkDrift.Task);
            Assert.Equal(new DriftEvent(labeledRows, 1, 0.25), sdkDrift.Drift);

            var metrics = await Eventually.ReturnsAsync(() => http.MetricsAsync(TaskId), m => m.Learner.LabeledRows == Bootstrap + Stable + Changed, Patience, "the learner taking the changed labels");
            Assert.Equal(1, metrics.Learner.DriftAlarms);

            var cycles = await Eventually.ReturnsAsync(() => CyclesAsync(http), c => c.Cycles.Any(r => r.Trigger == "drift"), Patience, "a cycle started by the drift alarm");
            Assert.Equal("drift", Assert.Single(cycles.Cycles).Trigger);

            // The exporter caches a scrape for a moment.
            Assert.Equal(1, await Eventually.ReturnsAsync(() => PrometheusDriftAsync(http), v => v >= 1, Patience, "sd_learning_drift_total"));

            // The stream goes on: one alarm, not one per wrong answer after it.
            Assert.Single(raw, i => i.EventType == TaskEventKinds.Drift);
            output.WriteLine($"took {clock.Elapsed.TotalSeconds:F1} s");
        }
        finally
        {
            await watching.CancelAsync();
            // The readers end by this cancellation; how they end is not under test.
            await Task.WhenAll(rawReader, sdkReader).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing | ConfigureAwaitOptions.ContinueOnCapturedContext);
        }
    }

    private static async Task SendAsync(HttpClient http, IReadOnlyList<LabeledExample> rows, string phase, bool flip)
    {
        for (var i = 0; i < rows.Count; i++)
        {
            var label = flip ? 1 - rows[i].Label : rows[i].Label;
            var episode = new EpisodeRequest(Features(rows[i]), TwoMoons.Classes[label], $"{TaskId}-{phase}-{i}");
            (await http.PostAsync($"/v1/tasks/{TaskId}/episodes", episode)).EnsureSuccessStatusCode();
        }
    }

    private static async Task<CyclesResponse> CyclesAsync(HttpClient http) =>
        await (await http.GetAsync($"/v1/tasks/{TaskId}/cycles", Ct)).ReadAsync<CyclesResponse>();

    /// <summary>The task's sd_learning_drift_total in the Prometheus scrape (0 when the series is absent).</summary>
    private static Task<double> PrometheusDriftAsync(HttpClient http) =>
        PrometheusScrape.SumAsync(http, "sd_learning_drift_total", $"task=\"{TaskId}\"");
}
