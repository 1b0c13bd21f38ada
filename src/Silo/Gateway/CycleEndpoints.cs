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

    // The query values come as strings (so the OpenAPI document lists them) and are parsed here: a value that is not an
    // integer in range is the same 400 invalid_query as one out of range, not the framework's bare 400.
    private static async Task<IResult> ListAsync(string task, string? limit, string? before, GrainApi api)
    {
        var (take, until) = CyclePaging.Parse(limit, before);
        return Json(await api.GetCyclesAsync(task, take, until));
    }
}
