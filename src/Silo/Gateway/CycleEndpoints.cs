using SelfDissonance.Client.Cluster;
using SelfDissonance.Client.Contracts;
using static SelfDissonance.Silo.Gateway.GatewayResults;

namespace SelfDissonance.Silo.Gateway;

/// <summary>Every learning cycle a task kept, newest first, a page at a time.</summary>
public static class CycleEndpoints
{
    public static RouteGroupBuilder MapCycleEndpoints(this RouteGroupBuilder v1)
    {
        v1.MapGet("/tasks/{task}/cycles", ListAsync).Describe<CyclesResponse>(
            "ListCycles",
            "Learning cycles, newest first: ?limit=1-500 (default 50), ?before=CYCLE (exclusive; the previous page's next).");
        return v1;
    }

    private static async Task<IResult> ListAsync(string task, HttpContext context, GrainApi api)
    {
        var (limit, before) = CyclePaging.Parse(Query(context, "limit"), Query(context, "before"));
        return Json(await api.GetCyclesAsync(task, limit, before));
    }

    private static string? Query(HttpContext context, string name) => context.Request.Query.TryGetValue(name, out var values) ? values.ToString() : null;
}
