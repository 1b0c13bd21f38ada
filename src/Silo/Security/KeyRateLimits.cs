using System.Globalization;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.Options;
using SelfDissonance.Silo.Gateway;

namespace SelfDissonance.Silo.Security;

/// <summary>
/// A token bucket per key (or JWT subject): the key's own rate when it has one, else the configured default. Over it,
/// 429 problem+json with Retry-After. Unauthenticated requests are refused before they cost anything, so they are not counted.
/// </summary>
public static class KeyRateLimits
{
    public static IServiceCollection AddKeyRateLimits(this IServiceCollection services) => services.AddRateLimiter(o =>
    {
        o.GlobalLimiter = PartitionedRateLimiter.Create<HttpContext, string>(Partition);
        o.OnRejected = RejectAsync;
    });

    private static RateLimitPartition<string> Partition(HttpContext context)
    {
        if (context.User.Identity?.IsAuthenticated != true)
        {
            return RateLimitPartition.GetNoLimiter("");
        }

        var security = context.RequestServices.GetRequiredService<IOptions<SecurityOptions>>().Value;
        var (permits, burst) = int.TryParse(context.User.FindFirst(SecurityClaims.Permits)?.Value, NumberStyles.None, CultureInfo.InvariantCulture, out var own)
            ? (own, own)
            : (security.PermitsPerSecond, security.BurstPermits);
        // The limits are part of the partition: a key whose rate changes gets a fresh bucket.
        return RateLimitPartition.GetTokenBucketLimiter(string.Create(CultureInfo.InvariantCulture, $"{SecurityClaims.Who(context.User)}|{permits}|{burst}"), _ => new TokenBucketRateLimiterOptions
        {
            TokenLimit = burst,
            TokensPerPeriod = permits,
            ReplenishmentPeriod = TimeSpan.FromSeconds(1),
            QueueLimit = 0,
            AutoReplenishment = true,
        });
    }

    private static async ValueTask RejectAsync(OnRejectedContext rejected, CancellationToken cancellationToken)
    {
        var seconds = rejected.Lease.TryGetMetadata(MetadataName.RetryAfter, out var after) ? Math.Max(1, (int)Math.Ceiling(after.TotalSeconds)) : 1;
        var context = rejected.HttpContext;
        context.Response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
        await Problems.WriteAsync(context, StatusCodes.Status429TooManyRequests, ReasonCodes.RateLimited, "Too many requests for this key.",
            $"Retry after {seconds} s. The rate is set per key (permitsPerSecond) or by {SecurityOptions.Section}:PermitsPerSecond.");
    }
}
