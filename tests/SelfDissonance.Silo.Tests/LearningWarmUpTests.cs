using SelfDissonance.Testing;

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

        const string Series = "sd_learning_warmup_duration_seconds_count";
        var count = await Eventually.ReturnsAsync(() => PrometheusScrape.SumAsync(host.Http, Series), v => v >= 1, TimeSpan.FromSeconds(60), Series);

        Assert.Equal(1, count);
    }
}
