using System.ComponentModel.DataAnnotations;

namespace SelfDissonance.Runtime;

/// <summary>Top-level settings. Section "SelfDissonance".</summary>
public sealed class SelfDissonanceOptions
{
    public const string Section = "SelfDissonance";

    /// <summary>"Embedded" (one silo, no external services) or "Cluster".</summary>
    [Required]
    public string Profile { get; set; } = "Embedded";

    /// <summary>Root of local data in the embedded default: grain state and model artifacts.</summary>
    [Required]
    public string DataDirectory { get; set; } = ".data";

    /// <summary>Grain state: "File" (durable, under DataDirectory) or "Memory" (lost on restart).</summary>
    [Required]
    [RegularExpression("^(File|Memory)$")]
    public string StateStore { get; set; } = "File";

    /// <summary>fsync every grain-state write. Off by default: a rename keeps files whole, and the OS flushes them shortly.</summary>
    public bool FlushStateToDisk { get; set; }

    /// <summary>Where model and dataset artifacts live; defaults to DataDirectory/artifacts.</summary>
    public string? ArtifactDirectory { get; set; }
}
