namespace SelfDissonance.Models;

[GenerateSerializer]
public enum ModelStage
{
    /// <summary>Registered, not serving.</summary>
    Staging = 0,

    /// <summary>Serving canaryFraction of traffic while its live accuracy is measured.</summary>
    Canary = 1,

    /// <summary>Serving all (or the non-canary share of) traffic.</summary>
    Production = 2,

    /// <summary>Was production; replaced by a later promotion. A rollback target.</summary>
    Archived = 3,

    /// <summary>Was production; replaced by a rollback. Never a rollback target again.</summary>
    RolledBack = 4,

    /// <summary>Failed its canary.</summary>
    Rejected = 5,
}
