namespace SelfDissonance.Silo.Telemetry;

/// <summary>Tracing and log format. Section "SelfDissonance:Telemetry"; OTLP itself is configured by the standard OTEL_* variables.</summary>
public sealed class TelemetryOptions
{
    public const string Section = "SelfDissonance:Telemetry";

    /// <summary>
    /// Record traces. Unset: on when an OTLP endpoint is configured (OTEL_EXPORTER_OTLP_ENDPOINT or
    /// OTEL_EXPORTER_OTLP_TRACES_ENDPOINT), off otherwise, so a silo with nowhere to send spans does not pay for them.
    /// </summary>
    public bool? Tracing { get; set; }

    /// <summary>JSON console logs with trace and span ids. Unset: on in the cluster profile, plain text in the embedded default.</summary>
    public bool? JsonConsoleLogs { get; set; }

    /// <summary>How often the cluster profile reads the stream queues' lag from Redis for the sd.streams.* gauges.</summary>
    public TimeSpan StreamLagInterval { get; set; } = TimeSpan.FromSeconds(10);
}
