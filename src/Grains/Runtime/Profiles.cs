namespace SelfDissonance.Runtime;

/// <summary>Values of <c>SelfDissonance:Profile</c>.</summary>
public static class Profiles
{
    /// <summary>One silo, no external services: localhost clustering, file state, memory streams, local artifacts.</summary>
    public const string Embedded = "Embedded";

    /// <summary>Many silos: Redis clustering, state, reminders and streams; model artifacts in Azure Blob Storage.</summary>
    public const string Cluster = "Cluster";

    /// <summary>Many silos on Azure Storage: Table membership and reminders, Table/Blob state, Blob artifacts and journals; Event Hubs or Azure Queue streams.</summary>
    public const string Azure = "Azure";

    public static bool IsCluster(string? profile) => string.Equals(profile, Cluster, StringComparison.OrdinalIgnoreCase);

    public static bool IsAzure(string? profile) => string.Equals(profile, Azure, StringComparison.OrdinalIgnoreCase);

    public static bool IsEmbedded(string? profile) => profile is null || string.Equals(profile, Embedded, StringComparison.OrdinalIgnoreCase);

    /// <summary>
    /// What the Redis and Azure profiles share: several silo processes, so a shared artifact signing key, JSON logs,
    /// explicit endpoints and fast failure detection.
    /// </summary>
    public static bool IsMultiSilo(string? profile) => IsCluster(profile) || IsAzure(profile);

    /// <summary>The profile's canonical name; an unknown one is refused with every valid name.</summary>
    public static string Normalize(string? profile) =>
        IsEmbedded(profile) ? Embedded
        : IsCluster(profile) ? Cluster
        : IsAzure(profile) ? Azure
        : throw new InvalidOperationException($"SelfDissonance:Profile '{profile}' is unknown; use '{Embedded}' (the default), '{Cluster}' (Redis) or '{Azure}' (Azure Storage).");
}
