namespace SelfDissonance.Client;

/// <summary>The answer of <c>/healthz</c> or <c>/readyz</c>.</summary>
/// <param name="IsHealthy">True when the service answered 200.</param>
/// <param name="StatusCode">The HTTP status (200 or 503).</param>
/// <param name="Status">The bare status word it answered: Healthy, Degraded or Unhealthy.</param>
public sealed record HealthResponse(bool IsHealthy, int StatusCode, string Status);
