using SelfDissonance.Security;

namespace SelfDissonance.Silo.Security;

/// <summary>Writes the gateway's side of the audit trail: who (key id or JWT subject), when, what, from which address.</summary>
public static class AuditTrail
{
    public static Task RecordAsync(HttpContext context, string action, string? task, string detail)
    {
        var grains = context.RequestServices.GetRequiredService<IGrainFactory>();
        var time = context.RequestServices.GetRequiredService<TimeProvider>();
        var entry = new AuditEntry(time.GetUtcNow(), SecurityClaims.Who(context.User), action, task, detail, context.Connection.RemoteIpAddress?.ToString());
        return grains.GetGrain<IAuditLogGrain>(task ?? IAuditLogGrain.ServiceKey).AppendAsync(entry);
    }

    /// <summary>Audits the operations listed in <see cref="ApiScopes.Audited"/> once they succeeded.</summary>
    public static async ValueTask<object?> FilterAsync(EndpointFilterInvocationContext invocation, EndpointFilterDelegate next)
    {
        var result = await next(invocation);
        var context = invocation.HttpContext;
        if (context.GetEndpoint()?.Metadata.GetMetadata<IEndpointNameMetadata>()?.EndpointName is { } name
            && ApiScopes.Audited.TryGetValue(name, out var action)
            && (result is not IStatusCodeHttpResult { StatusCode: >= 300 }))
        {
            var task = context.GetRouteValue("task") as string ?? (context.Items[AuditTaskItem] as string);
            await RecordAsync(context, action, task, $"{context.Request.Method} {context.Request.Path}{context.Request.QueryString}");
        }

        return result;
    }

    /// <summary>For audited routes whose task is not in the path (task creation): the endpoint names it here.</summary>
    public const string AuditTaskItem = "sd.audit.task";
}
