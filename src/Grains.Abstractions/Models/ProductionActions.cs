namespace SelfDissonance.Models;

public static class ProductionActions
{
    public const string Promoted = "promoted";
    public const string CanaryStarted = "canary_started";
    public const string CanaryPromoted = "canary_promoted";
    public const string CanaryRejected = "canary_rejected";
    public const string RolledBack = "rolled_back";
    public const string AutoRolledBack = "auto_rolled_back";
}
