namespace SelfDissonance.Security;

/// <summary>The audited actions' stable names.</summary>
public static class AuditActions
{
    public const string KeyCreated = "key.created";
    public const string KeyRevoked = "key.revoked";
    public const string PolicyUpdated = "policy.updated";
    public const string TaskCreated = "task.created";
    public const string Bootstrapped = "task.bootstrapped";
    public const string GoldenChanged = "task.golden_changed";
    public const string LearnRequested = "model.learn_requested";
    public const string Promoted = "model.promoted";
    public const string RolledBack = "model.rolled_back";
    public const string EpisodeErased = "episode.erased";
    public const string QuarantineReleased = "model.quarantine_released";

    /// <summary>Who the cluster's own decisions (learner promotions, canary verdicts, automatic rollbacks) are recorded as.</summary>
    public const string System = "system";
}
