using SelfDissonance.Client.Cluster;
using SelfDissonance.Security;
using SelfDissonance.Silo.Security;
using static SelfDissonance.Silo.Gateway.GatewayResults;

namespace SelfDissonance.Silo.Gateway;

/// <summary>
/// The audit trail: key, policy, promotion and rollback changes with who, when, what and from where. A task's trail
/// needs the read scope for that task; the service's own (key changes) needs keys:admin.
/// </summary>
public static class AuditEndpoints
{
    public static RouteGroupBuilder MapAuditEndpoints(this RouteGroupBuilder v1)
    {
        v1.MapGet("/tasks/{task}/audit", TaskAsync).Describe<AuditResponse>("TaskAudit", "The task's audit trail, oldest first (the newest 1000 entries).");
        v1.MapGet("/audit", QueryAsync).Describe<AuditResponse>("GetAudit", "?task=ID: that task's audit trail (read scope for it). Without task: key changes (keys:admin).");
        return v1;
    }

    private static async Task<IResult> TaskAsync(string task, GrainApi api, IGrainFactory grains)
    {
        var id = (await api.SnapshotAsync(task)).Definition.Id;
        return Json(await ReadAsync(grains, id));
    }

    private static async Task<IResult> QueryAsync(HttpContext context, GrainApi api, IGrainFactory grains)
    {
        if (context.Request.Query["task"].FirstOrDefault() is { Length: > 0 } task)
        {
            var id = TaskId(task);
            await TaskAccess.RequireAsync(context, id, ApiScopes.Read);
            await api.SnapshotAsync(id);
            return Json(await ReadAsync(grains, id));
        }

        if (!SecurityClaims.HasScope(context.User, ApiScopes.KeysAdmin) || TaskAccess.IsLimited(context))
        {
            throw new DomainException(ReasonCodes.InsufficientScope, StatusCodes.Status403Forbidden, "The key may not do this.", "The service's audit trail (no task given) needs the 'keys:admin' scope.");
        }

        return Json(await ReadAsync(grains, null));
    }

    private static async Task<AuditResponse> ReadAsync(IGrainFactory grains, string? task)
    {
        var entries = await grains.GetGrain<IAuditLogGrain>(task ?? IAuditLogGrain.ServiceKey).ListAsync();
        return new AuditResponse(task, [.. entries.Select(e => new AuditEntryResponse(e.At, e.Who, e.Action, e.Task, e.Detail, e.From))]);
    }
}
