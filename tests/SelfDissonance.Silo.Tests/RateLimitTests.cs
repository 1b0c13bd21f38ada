using System.Net;
using SelfDissonance.Silo.Security;
using SelfDissonance.Testing;
using static SelfDissonance.Testing.Api;

namespace SelfDissonance.Silo.Tests;

/// <summary>Each key has its own token bucket: over it, 429 problem+json with Retry-After, and other keys are unaffected.</summary>
public sealed class RateLimitTests(GatewayFixture fixture)
{
    [Fact]
    public async Task A_key_over_its_rate_gets_429_with_retry_after_and_other_keys_go_on()
    {
        var slow = await fixture.Http.CreateKeyAsync("slow", [ApiScopes.Read], permitsPerSecond: 3);
        using var client = fixture.Host.CreateClient(slow.Key);

        var statuses = new List<HttpStatusCode>();
        HttpResponseMessage? limited = null;
        for (var i = 0; i < 10 && limited is null; i++)
        {
            var response = await client.GetAsync("/v1/tasks", Ct);
            statuses.Add(response.StatusCode);
            if (response.StatusCode == HttpStatusCode.TooManyRequests)
            {
                limited = response;
            }
        }

        Assert.NotNull(limited);
        Assert.True(statuses.Count(s => s == HttpStatusCode.OK) >= 3, string.Join(",", statuses));
        await limited.ProblemAsync(HttpStatusCode.TooManyRequests, ReasonCodes.RateLimited);
        var retryAfter = limited.Headers.RetryAfter?.Delta;
        Assert.NotNull(retryAfter);
        Assert.InRange(retryAfter.Value.TotalSeconds, 1, 2);

        // The admin key has its own (default, generous) bucket.
        Assert.Equal(HttpStatusCode.OK, (await fixture.Http.GetAsync("/v1/tasks", Ct)).StatusCode);
        // And the slow key gets permits back after the wait it was told.
        await Task.Delay(retryAfter.Value, Ct);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/v1/tasks", Ct)).StatusCode);
    }
}
