using Microsoft.Extensions.Diagnostics.HealthChecks;
using SelfDissonance.Models;

namespace SelfDissonance.Silo.Hosting;

/// <summary>Ready when this silo is not stopping, is an active cluster member, Redis (cluster profile) or Azure Table and Blob storage (Azure profile) answer and the artifact store answers in time. Reports no internals.</summary>
public sealed class ReadinessCheck(IClusterMembershipService membership, ILocalSiloDetails silo, IArtifactStore artifacts, SiloDrain drain, IServiceProvider services) : IHealthCheck
{
    private static readonly TimeSpan s_timeout = TimeSpan.FromSeconds(2);

    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        if (drain.IsDraining)
        {
            return HealthCheckResult.Unhealthy("stopping");
        }

        if (membership.CurrentSnapshot.GetSiloStatus(silo.SiloAddress) != SiloStatus.Active)
        {
            return HealthCheckResult.Unhealthy("silo not active");
        }

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(s_timeout);
        if (services.GetService<IStoreProbe>() is { } store && !await store.PingAsync(timeout.Token))
        {
            return HealthCheckResult.Unhealthy($"{store.Name} unreachable");
        }

        try
        {
            await artifacts.ExistsAsync("health/probe", timeout.Token);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            return HealthCheckResult.Unhealthy("artifact store unreachable");
        }

        return HealthCheckResult.Healthy();
    }
}
