namespace SelfDissonance.Runtime;

/// <summary>Kinds of live task events; the same strings are the SSE event names of API v1.</summary>
public static class TaskEventNames
{
    public const string Episode = "episode";
    public const string Promotion = "promotion";
    public const string Rollback = "rollback";
    public const string Cycle = "cycle";
    public const string Drift = "drift";
}
