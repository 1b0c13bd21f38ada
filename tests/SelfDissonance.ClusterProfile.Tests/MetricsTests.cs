using SelfDissonance.Testing;
using static SelfDissonance.Testing.Api;

namespace SelfDissonance.ClusterProfile.Tests;

/// <summary>A silo process exports both meters at /metrics: ours (SelfDissonance) and Orleans' own.</summary>
public sealed class MetricsTests(ClusterServices services)
{
    [Fact]
    public async Task A_silo_process_exports_the_selfdissonance_and_orleans_meters()
    {
        await using var cluster = new ProcessCluster(services, silos: 1);
        await cluster.StartAsync();
        var http = cluster.Silos[0].Http;
        var data = TwoMoons.Generate(300, seed: 51);
        await http.CreateTwoMoonsTaskAsync("metrics");
        await http.BootstrapAsync("metrics", data[..100], data[100..200]);
        foreach (var example in data[200..220])
        {
            (await http.PostAsync("/v1/tasks/metrics/episodes", new Client.Contracts.EpisodeRequest(Features(example), TwoMoons.Classes[example.Label]))).EnsureSuccessStatusCode();
        }

        var text = await Eventually.ReturnsAsync(
            () => http.GetStringAsync("/metrics", Ct),
            t => t.Contains("sd_episodes_total{", StringComparison.Ordinal),
            TimeSpan.FromSeconds(10),
            "the episode counter in the scrape");
        var names = text.Split('\n').Where(l => l.Length > 0 && !l.StartsWith('#')).Select(l => l.Split('{', ' ')[0]).ToHashSet(StringComparer.Ordinal);
        Assert.Contains(names, n => n.StartsWith("orleans_", StringComparison.Ordinal));
        Assert.Contains("sd_episodes_total", names);
        Assert.Contains("sd_dissonance_bucket", names);
    }
}
