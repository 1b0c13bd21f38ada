using System.ComponentModel.DataAnnotations;

namespace SelfDissonance.Silo.Hosting;

/// <summary>Where this silo listens and which cluster it joins. Section "SelfDissonance:Silo".</summary>
public sealed class SiloHostOptions
{
    public const string Section = "SelfDissonance:Silo";

    [Required]
    public string ClusterId { get; set; } = "selfdissonance";

    [Required]
    public string ServiceId { get; set; } = "selfdissonance";

    /// <summary>Silo-to-silo port.</summary>
    [Range(1, 65535)]
    public int SiloPort { get; set; } = 11111;

    /// <summary>Orleans client gateway port (for the SDK's cluster client).</summary>
    [Range(1, 65535)]
    public int GatewayPort { get; set; } = 30000;

    /// <summary>
    /// The address other silos and clients reach this silo on (cluster profile). Loopback by default; a pod sets its
    /// POD_IP here.
    /// </summary>
    [Required]
    public string AdvertisedAddress { get; set; } = "127.0.0.1";

    /// <summary>Listen on all interfaces while advertising <see cref="AdvertisedAddress"/> (containers).</summary>
    public bool ListenOnAnyHostAddress { get; set; }

    /// <summary>
    /// Cluster profile: how a dead silo is detected. "Fast" (default) probes every second and declares a silo dead after
    /// two missed probes (under 10 s on loopback, measured in the README); "Default" keeps Orleans' own settings.
    /// </summary>
    [RegularExpression("^(Fast|Default)$")]
    public string FailureDetection { get; set; } = "Fast";

    /// <summary>
    /// How long a stop (SIGTERM) may take in all: draining, in-flight requests, leaving the cluster, grains writing
    /// their state. A pod's terminationGracePeriodSeconds must be longer.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:01", "00:10:00")]
    public TimeSpan ShutdownTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// On a stop, how long /readyz answers 503 while the silo still serves, so load balancers (Kubernetes endpoints)
    /// stop sending before the listener closes. 0 in the embedded default; a few seconds behind a load balancer.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00", "00:01:00")]
    public TimeSpan DrainDelay { get; set; } = TimeSpan.Zero;
}
