using System.Globalization;
using SelfDissonance.Testing;
using static SelfDissonance.Testing.Api;

namespace SelfDissonance.Silo.Tests;

/// <summary>
/// A silo with the product's default (test hosts turn the warm-up off) warms its learning code after it starts and
/// reports it in Prometheus' sd_learning_warmup_duration histogram.
/// </summary>
public sealed class LearningWarmUpTests
{
    [Fact]
    public async Task A_started_silo_warms_its_learning_code_once()
    {
        await using var host = new GatewayHost(new() { ["SelfDissonance:Learning:WarmUp"] = "true" });
        await host.StartAsync();

        var count = await Eventually.ReturnsAsync(() => WarmUpsAsync(host.Http), v => v >= 1, TimeSpan.FromSeconds(60), "sd_learning_warmup_duration_seconds_count");

        Assert.Equal(1, count);
    }

    /// <summary>The histogram's count in the Prometheus scrape (0 when the series is absent).</summary>
    private static async Task<double> WarmUpsAsync(HttpClient http)
    {
        const string Series = "sd_learning_warmup_duration_seconds_count";
        var text = await (await http.GetAsync("/metrics", Ct)).EnsureSuccessStatusCode().Content.ReadAsStringAsync(Ct);
        return text.Split('\n')
            .Where(l => l.StartsWith(Series, StringComparison.Ordinal))
            .Sum(l => double.Parse((l.Contains('}') ? l[(l.LastIndexOf('}') + 1)..] : l[Series.Length..]).Trim().Split(' ')[0], CultureInfo.InvariantCulture));
    }
}
