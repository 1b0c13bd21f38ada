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
}
