using System.Collections.Frozen;

namespace SelfDissonance.Silo.Security;

/// <summary>The scopes a key or token can hold, the policies that demand them, and which API v1 operation needs which.</summary>
public static class ApiScopes
{
    public const string EpisodesWrite = "episodes:write";
    public const string FeedbackWrite = "feedback:write";
    public const string TasksAdmin = "tasks:admin";
    public const string ModelsAdmin = "models:admin";
    public const string PolicyAdmin = "policy:admin";
    public const string Read = "read";
    public const string KeysAdmin = "keys:admin";

    public static IReadOnlyList<string> All { get; } = [EpisodesWrite, FeedbackWrite, TasksAdmin, ModelsAdmin, PolicyAdmin, Read, KeysAdmin];

    /// <summary>The policy of a scope, checked against the route's task when a key is limited to tasks.</summary>
    public static string Policy(string scope) => "scope:" + scope;

    /// <summary>Read access to the whole cluster (metrics, the Orleans Dashboard): the read scope on a key not limited to tasks.</summary>
    public const string ClusterReadPolicy = "cluster:read";

    /// <summary>
    /// The scope of every API v1 operation (by endpoint name). A v1 route missing here stops the silo at start, so no
    /// route is ever served without a deliberate scope.
    /// </summary>
    public static FrozenDictionary<string, string> ByOperation { get; } = new Dictionary<string, string>
    {
        ["CreateTask"] = TasksAdmin,
        ["ListTasks"] = Read,
        ["GetTask"] = Read,
        ["Bootstrap"] = TasksAdmin,
        ["SetGolden"] = TasksAdmin,
        ["RunEpisode"] = EpisodesWrite,
        ["SubmitEpisodes"] = EpisodesWrite,
        ["Predict"] = EpisodesWrite,
        ["GetEpisode"] = Read,
        ["EraseEpisode"] = TasksAdmin,
        ["ReleaseQuarantine"] = ModelsAdmin,
        ["Feedback"] = FeedbackWrite,
        ["Learn"] = ModelsAdmin,
        ["ListModels"] = Read,
        ["ListCycles"] = Read,
        ["Rollback"] = ModelsAdmin,
        ["GetPolicy"] = Read,
        ["UpdatePolicy"] = PolicyAdmin,
        ["PolicyHistory"] = Read,
        ["TaskMetrics"] = Read,
        ["WatchTask"] = Read,
        ["TaskHistory"] = Read,
        ["TaskAudit"] = Read,
        ["GetAudit"] = Read,
        ["CreateKey"] = KeysAdmin,
        ["ListKeys"] = KeysAdmin,
        ["RevokeKey"] = KeysAdmin,
    }.ToFrozenDictionary(StringComparer.Ordinal);

    /// <summary>Operations whose success is written to the audit trail (who, when, what, from where).</summary>
    public static FrozenDictionary<string, string> Audited { get; } = new Dictionary<string, string>
    {
        ["CreateTask"] = SelfDissonance.Security.AuditActions.TaskCreated,
        ["Bootstrap"] = SelfDissonance.Security.AuditActions.Bootstrapped,
        ["SetGolden"] = SelfDissonance.Security.AuditActions.GoldenChanged,
        ["Learn"] = SelfDissonance.Security.AuditActions.LearnRequested,
        ["Rollback"] = SelfDissonance.Security.AuditActions.RolledBack,
        ["UpdatePolicy"] = SelfDissonance.Security.AuditActions.PolicyUpdated,
        ["EraseEpisode"] = SelfDissonance.Security.AuditActions.EpisodeErased,
        ["ReleaseQuarantine"] = SelfDissonance.Security.AuditActions.QuarantineReleased,
    }.ToFrozenDictionary(StringComparer.Ordinal);
}
