using System.Diagnostics;
using SelfDissonance.Client.Contracts;

namespace SelfDissonance.Cli.Tests;

/// <summary>
/// sdctl watch against the server-sent events of <c>GET /v1/tasks/{task}/events</c>. That route is served by the gateway
/// once the live-events work is merged; until then this test fails with route_not_found (exit 1).
/// </summary>
public sealed class WatchTests(CliFixture fixture)
{
    [Fact]
    public async Task Watch_prints_an_episode_line_then_stops_on_cancel_with_130()
    {
        const string TaskId = "cli-watch";
        await fixture.CreateBootstrappedAsync(TaskId, "minBatch=1000000");
        var ct = TestContext.Current.CancellationToken;
        using var cancel = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var output = new LineWriter();
        var error = new LineWriter();
        var watch = Cli.RunAsync(["--url", fixture.Url, "--api-key", fixture.Host.AdminKey, "watch", TaskId, "--kinds", "episode"], output, error, null, cancel.Token);

        // Events are live only: keep running episodes until one is seen (the subscription may not be up for the first).
        var ids = new List<string>();
        var clock = Stopwatch.StartNew();
        while (!watch.IsCompleted && !ids.Any(id => output.Text.Contains(id, StringComparison.Ordinal)) && clock.Elapsed < TimeSpan.FromSeconds(20))
        {
            var episode = await fixture.Client.RunEpisodeAsync(TaskId, new EpisodeRequest(new Dictionary<string, double> { ["x"] = 0.5, ["y"] = 0.25 }, "upper"), ct);
            ids.Add(episode.Id);
            await Task.Delay(250, ct);
        }

        Assert.False(watch.IsCompleted, $"watch ended by itself with exit {(watch.IsCompleted ? await watch : 0)}: {error.Text}");
        await cancel.CancelAsync();
        var code = await watch;

        Assert.Equal(ExitCodes.Cancelled, code);
        var line = output.Text.Split('\n').FirstOrDefault(l => ids.Any(id => l.Contains(id, StringComparison.Ordinal)));
        Assert.True(line is not null, $"no episode line in: {output.Text}\nstderr: {error.Text}");
        Assert.Contains(" episode ", line, StringComparison.Ordinal);
        Assert.Contains("label=upper", line, StringComparison.Ordinal);
    }
}
