using System.Diagnostics;
using System.Net;
using SelfDissonance.Silo.Security;
using SelfDissonance.Testing;
using static SelfDissonance.Testing.Api;

namespace SelfDissonance.ClusterProfile.Tests;

/// <summary>
/// Keys live in Redis grain state, so every silo knows a key made on one of them; a revocation on one silo reaches the
/// other silos' caches within a second or two; keys outlive a full cluster restart.
/// </summary>
public sealed class ClusterKeyRevocationTests(ClusterServices services)
{
    [Fact]
    public async Task A_key_made_on_one_silo_works_on_the_other_and_its_revocation_reaches_it_within_two_seconds()
    {
        await using var cluster = new ProcessCluster(services, silos: 2);
        await cluster.StartAsync();
        var (first, second) = (cluster.Silos[0], cluster.Silos[1]);
        var created = await first.Http.CreateKeyAsync("cluster-reader", [ApiScopes.Read]);
        var other = await first.Http.CreateKeyAsync("cluster-other", [ApiScopes.Read]);
        using var onSecond = TestKeys.Client(second.BaseAddress, created.Key);
        using var otherOnSecond = TestKeys.Client(second.BaseAddress, other.Key);
        // Validated and cached by the second silo.
        Assert.Equal(HttpStatusCode.OK, (await onSecond.GetAsync("/v1/tasks", Ct)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await otherOnSecond.GetAsync("/v1/tasks", Ct)).StatusCode);

        (await first.Http.DeleteAsync($"/v1/keys/{created.Details.Id}", Ct)).EnsureSuccessStatusCode();
        var clock = Stopwatch.StartNew();
        await Eventually.ReturnsAsync(() => onSecond.GetAsync("/v1/tasks", Ct), r => r.StatusCode == HttpStatusCode.Unauthorized, TimeSpan.FromSeconds(2), "the other silo refusing the revoked key");
        var took = clock.Elapsed;
        Assert.True(took < TimeSpan.FromSeconds(2), $"took {took}");
        Assert.Equal(HttpStatusCode.OK, (await otherOnSecond.GetAsync("/v1/tasks", Ct)).StatusCode);

        // Every silo restarts: keys and revocations are in Redis.
        await cluster.StopAllAsync();
        await cluster.StartAsync();
        using var afterRestart = TestKeys.Client(first.BaseAddress, other.Key);
        using var revokedAfterRestart = TestKeys.Client(first.BaseAddress, created.Key);
        Assert.Equal(HttpStatusCode.OK, (await afterRestart.GetAsync("/v1/tasks", Ct)).StatusCode);
        await (await revokedAfterRestart.GetAsync("/v1/tasks", Ct)).ProblemAsync(HttpStatusCode.Unauthorized, ReasonCodes.InvalidApiKey);
        Report.Write("key-revocation", string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{{\"refusedOnTheOtherSiloAfterMs\":{took.TotalMilliseconds:F0}}}"));
    }
}
