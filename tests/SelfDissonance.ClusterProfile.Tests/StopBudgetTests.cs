using System.Diagnostics;
using SelfDissonance.Testing;
using static SelfDissonance.Testing.Api;

namespace SelfDissonance.ClusterProfile.Tests;

/// <summary>
/// A stop (SIGTERM) ends within the silo's budget even when a store it depends on is gone: with Redis gone, silos once
/// ran 80 s past a 30 s budget (membership, reminders and stream agents each waiting on it). Each case brings its own
/// Redis and Azurite, since it stops one of them.
/// </summary>
public sealed class StopBudgetTests(ITestOutputHelper output)
{
    private static readonly TimeSpan s_budget = TimeSpan.FromSeconds(6);

    [Theory]
    [InlineData("redis")]
    [InlineData("blob")]
    public async Task A_silo_whose_store_is_gone_still_stops_within_its_budget(string gone)
    {
        var services = new ClusterServices();
        await services.InitializeAsync();
        try
        {
            await using var cluster = new ProcessCluster(services, silos: 1, new Dictionary<string, string?>
            {
                ["SelfDissonance__Silo__ShutdownTimeout"] = s_budget.ToString("c", System.Globalization.CultureInfo.InvariantCulture),
                ["SelfDissonance__Silo__DrainDelay"] = "00:00:01",
            });
            await cluster.StartAsync();
            var silo = cluster.Silos[0];
            await silo.Http.ReadyTaskAsync("budget");
            var batch = TwoMoons.Generate(40, seed: 8).Select((e, i) => new Client.Contracts.EpisodeRequest(Features(e), TwoMoons.Classes[e.Label], $"q{i}")).ToList();
            (await silo.Http.PostAsync("/v1/tasks/budget/episodes:batch", batch)).EnsureSuccessStatusCode();

            if (gone == "redis")
            {
                await services.Redis.StopAsync();
            }
            else
            {
                await services.Azurite.StopAsync();
            }

            var clock = Stopwatch.StartNew();
            await silo.StopAsync();
            var stopped = clock.Elapsed;
            output.WriteLine($"{gone} gone: stopped in {stopped.TotalSeconds:F2} s (budget {s_budget.TotalSeconds} s)");

            Assert.False(silo.IsRunning);
            // The budget, the watchdog's second for the log, and the process exit.
            Assert.True(stopped < s_budget + TimeSpan.FromSeconds(4), $"stopped after {stopped.TotalSeconds:F2} s with {gone} gone:\n{silo.Tail(30)}");
        }
        finally
        {
            await services.DisposeAsync();
        }
    }
}
