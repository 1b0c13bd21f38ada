using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;
using SelfDissonance.Runtime;
using SelfDissonance.Telemetry;

namespace SelfDissonance.Silo.Telemetry;

/// <summary>
/// OpenTelemetry for the gateway silo: our meter and source plus Orleans' own, Prometheus text at /metrics, OTLP when
/// the standard OTEL_* variables name an endpoint, and JSON console logs (with trace ids) in the cluster profile.
/// </summary>
public static class Observability
{
    /// <summary>Orleans' activity sources (application grain calls, runtime calls, lifecycle, storage).</summary>
    public const string OrleansSources = "Microsoft.Orleans.*";

    /// <summary>Tag sets kept per metric of Orleans and the .NET runtime (more go to OpenTelemetry's overflow series).</summary>
    public const int LibraryCardinalityLimit = 100;

    public static WebApplicationBuilder AddSelfDissonanceObservability(this WebApplicationBuilder builder, string profile)
    {
        var configuration = builder.Configuration;
        var options = configuration.GetSection(TelemetryOptions.Section).Get<TelemetryOptions>() ?? new TelemetryOptions();
        builder.Services.AddOptions<TelemetryOptions>().BindConfiguration(TelemetryOptions.Section)
            .Validate(o => o.StreamLagInterval > TimeSpan.Zero, "SelfDissonance:Telemetry:StreamLagInterval must be positive.").ValidateOnStart();

        var otlp = OtlpConfigured(configuration);
        var tracing = options.Tracing ?? otlp;
        if (options.JsonConsoleLogs ?? Profiles.IsMultiSilo(profile))
        {
            // Scopes carry the TraceId and SpanId the host's ActivityTrackingOptions add to every log record.
            builder.Logging.ClearProviders();
            builder.Logging.AddJsonConsole(o =>
            {
                o.IncludeScopes = true;
                o.UseUtcTimestamp = true;
                o.TimestampFormat = "yyyy-MM-ddTHH:mm:ss.fffZ";
            });
        }

        var telemetry = builder.Services.AddOpenTelemetry()
            .ConfigureResource(r => r.AddService("selfdissonance", serviceInstanceId: Environment.MachineName + ":" + Environment.ProcessId))
            .WithMetrics(metrics => metrics
                // System.Runtime: .NET's own process CPU time and working set, which sdctl bench reads.
                .AddMeter(SelfDissonanceMetrics.Name, "Microsoft.Orleans", "System.Runtime")
                // Each metric stream reserves room for its cardinality limit up front (2,000 tag sets by default): with
                // Orleans' 200-odd instruments that was 40 MB of empty metric points. Orleans' and .NET's tags are
                // grain types, silos and the like; only our own meter carries a tag per task, so it keeps the default.
                .AddView(instrument => instrument.Meter.Name == SelfDissonanceMetrics.Name ? null : new MetricStreamConfiguration { CardinalityLimit = LibraryCardinalityLimit })
                .AddPrometheusExporter());
        if (tracing)
        {
            telemetry.WithTracing(traces => traces
                .AddSource(SelfDissonanceMetrics.Name, OrleansSources)
                .AddAspNetCoreInstrumentation(o => o.Filter = http => IsTraced(http.Request.Path)));
        }

        if (otlp)
        {
            telemetry.UseOtlpExporter();
        }

        if (Profiles.IsCluster(profile))
        {
            builder.Services.AddHostedService<StreamLagMonitor>();
        }

        return builder;
    }

    /// <summary>API calls only: scrapes, probes, static files and the dashboard's polling would bury the episodes.</summary>
    private static bool IsTraced(PathString path) => path.StartsWithSegments("/v1", StringComparison.Ordinal);

    private static bool OtlpConfigured(IConfiguration configuration) =>
        !string.IsNullOrEmpty(configuration["OTEL_EXPORTER_OTLP_ENDPOINT"]) || !string.IsNullOrEmpty(configuration["OTEL_EXPORTER_OTLP_TRACES_ENDPOINT"]);
}
