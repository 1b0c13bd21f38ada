using System.Net;
using SelfDissonance.Testing;
using static SelfDissonance.Testing.Api;

namespace SelfDissonance.ClusterProfile.Tests;

/// <summary>/readyz follows Redis: a silo whose Redis is gone is taken out of rotation and put back when it returns.</summary>
public sealed class ReadinessTests(ClusterServices services)
{
    [Fact]
    public async Task Readiness_turns_false_while_redis_is_down_and_true_when_it_is_back()
    {
        await using var cluster = new ProcessCluster(services, silos: 1);
        await cluster.StartAsync();
        var silo = cluster.Silos[0];
        Assert.Equal(HttpStatusCode.OK, (await silo.Http.GetAsync("/readyz", Ct)).StatusCode);

        await services.Redis.StopAsync();
        try
        {
            var down = await Eventually.ReturnsAsync(() => silo.Http.GetAsync("/readyz", Ct), r => r.StatusCode == HttpStatusCode.ServiceUnavailable, TimeSpan.FromSeconds(15), "readiness turning false without Redis");
            // Readiness says what, never why in detail: the body is the status word only.
            Assert.Equal("Unhealthy", await down.Content.ReadAsStringAsync(Ct));
            Assert.Equal(HttpStatusCode.OK, (await silo.Http.GetAsync("/healthz", Ct)).StatusCode);
        }
        finally
        {
            await services.Redis.StartAsync();
        }

        await Eventually.ReturnsAsync(() => silo.Http.GetAsync("/readyz", Ct), r => r.StatusCode == HttpStatusCode.OK, TimeSpan.FromSeconds(30), "readiness turning true with Redis back");
    }
}
