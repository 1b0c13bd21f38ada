namespace SelfDissonance.Runtime;

/// <summary>Values of <c>SelfDissonance:Profile</c>.</summary>
public static class Profiles
{
    /// <summary>One silo, no external services: localhost clustering, file state, memory streams, local artifacts.</summary>
    public const string Embedded = "Embedded";

    /// <summary>Many silos: Redis clustering, state, reminders and streams; model artifacts in Azure Blob Storage.</summary>
    public const string Cluster = "Cluster";

    public static bool IsCluster(string? profile) => string.Equals(profile, Cluster, StringComparison.OrdinalIgnoreCase);
}
