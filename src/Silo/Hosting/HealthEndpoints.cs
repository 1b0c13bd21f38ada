using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace SelfDissonance.Silo.Hosting;

public static class HealthEndpoints
{
    private const string Ready = "ready";

    public static IServiceCollection AddSiloHealthChecks(this IServiceCollection services)
    {
        services.AddHealthChecks().AddCheck<ReadinessCheck>("silo", tags: [Ready]);
        return services;
    }

    /// <summary>/healthz: the process answers. /readyz: the silo can serve. Both answer a bare status word.</summary>
    public static IEndpointRouteBuilder MapSiloHealth(this IEndpointRouteBuilder app)
    {
        // Public (probes carry no key) and bare: a status word, no versions, no check names.
        app.MapHealthChecks("/healthz", new HealthCheckOptions { Predicate = _ => false }).AllowAnonymous();
        app.MapHealthChecks("/readyz", new HealthCheckOptions
        {
            Predicate = c => c.Tags.Contains(Ready),
            ResultStatusCodes =
            {
                [HealthStatus.Healthy] = StatusCodes.Status200OK,
                [HealthStatus.Degraded] = StatusCodes.Status200OK,
                [HealthStatus.Unhealthy] = StatusCodes.Status503ServiceUnavailable,
            },
        }).AllowAnonymous();
        return app;
    }
}
