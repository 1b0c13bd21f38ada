using System.Diagnostics;
using System.Net;
using SelfDissonance.Testing;
using static SelfDissonance.Testing.Api;

namespace SelfDissonance.Silo.Tests;

/// <summary>A stop (SIGTERM) drains: readiness turns false while the silo still serves, live streams end, the host stops in time.</summary>
public sealed class ShutdownTests
{
    [Fact]
    public async Task Stopping_turns_readiness_false_first_ends_live_streams_and_finishes_in_time()
    {
        var host = new GatewayHost(new() { ["SelfDissonance:Silo:DrainDelay"] = "00:00:02", ["SelfDissonance:Silo:ShutdownTimeout"] = "00:00:20" });
        await using var _ = host;
        await host.StartAsync();
        await host.Http.CreateTwoMoonsTaskAsync("shutdown");
        using var http = host.CreateClient(host.AdminKey);
        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync("/readyz", Ct)).StatusCode);

        // A watcher is connected: its stream must not hold the stop up until the shutdown timeout.
        using var watch = await http.GetAsync("/v1/tasks/shutdown/events", HttpCompletionOption.ResponseHeadersRead, Ct);
        Assert.Equal(HttpStatusCode.OK, watch.StatusCode);
        var events = await watch.Content.ReadAsStreamAsync(Ct);
        var drained = Task.Run(async () =>
        {
            var buffer = new byte[4096];
            while (await events.ReadAsync(buffer, Ct) > 0)
            {
            }
        }, Ct);

        var clock = Stopwatch.StartNew();
        var stopping = host.StopAsync();

        // During the drain delay: not ready, but still alive and answering.
        var notReady = await Eventually.ReturnsAsync(() => http.GetAsync("/readyz", Ct), r => r.StatusCode == HttpStatusCode.ServiceUnavailable, TimeSpan.FromSeconds(2), "readiness turning false");
        Assert.Equal("Unhealthy", await notReady.Content.ReadAsStringAsync(Ct));
        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync("/healthz", Ct)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync("/v1/tasks/shutdown", Ct)).StatusCode);

        await stopping;
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(15), $"the stop took {clock.Elapsed.TotalSeconds:F1} s");
        Assert.True(clock.Elapsed >= TimeSpan.FromSeconds(2), "the silo kept serving for the drain delay");
        await drained.WaitAsync(TimeSpan.FromSeconds(5), Ct);
        await Assert.ThrowsAnyAsync<HttpRequestException>(() => http.GetAsync("/healthz", Ct));
    }
}
