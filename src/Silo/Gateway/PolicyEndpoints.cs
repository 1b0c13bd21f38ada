using SelfDissonance.Client.Contracts;
using SelfDissonance.Policy;
using SelfDissonance.Runtime;
using SelfDissonance.Tasks;
using static SelfDissonance.Silo.Gateway.GatewayResults;

namespace SelfDissonance.Silo.Gateway;

public static class PolicyEndpoints
{
    public static RouteGroupBuilder MapPolicyEndpoints(this RouteGroupBuilder v1)
    {
        v1.MapGet("/tasks/{task}/policy", GetAsync).Describe<PolicyResponse>("GetPolicy", "The task's policy.");
        v1.MapPut("/tasks/{task}/policy", UpdateAsync).Describe<PolicyUpdate, PolicyResponse>("UpdatePolicy", "Validated partial update; out-of-range fields are named with their range.");
        v1.MapGet("/tasks/{task}/policy/history", HistoryAsync).Describe<List<PolicyChangeResponse>>("PolicyHistory", "Every policy revision: who, when, why.");
        return v1;
    }

    private static async Task<IResult> GetAsync(string task, IGrainFactory grains) =>
        Json(Responses.Policy(await (await MetaAsync(grains, task)).GetPolicyAsync()));

    private static async Task<IResult> UpdateAsync(string task, HttpContext context, IGrainFactory grains, TaskRuntimeCache cache)
    {
        var meta = await MetaAsync(grains, task);
        var body = await RequestReader.ReadJsonAsync<PolicyUpdate>(context.Request, context.RequestAborted);
        var reason = context.Request.Query["reason"].FirstOrDefault() is { Length: > 0 and <= 200 } r ? r : "policy update";
        var updated = await meta.UpdatePolicyAsync(Responses.Patch(body), Caller(context), reason);
        await cache.RefreshAsync(task);
        return Json(Responses.Policy(updated));
    }

    private static async Task<IResult> HistoryAsync(string task, IGrainFactory grains)
    {
        var history = await (await MetaAsync(grains, task)).GetHistoryAsync();
        return Json(history.Select(h => new PolicyChangeResponse(h.Revision, h.At, h.By, h.Reason, Responses.PolicyFields(h.Policy))).ToList());
    }

    private static async Task<IMetaControllerGrain> MetaAsync(IGrainFactory grains, string task)
    {
        var snapshot = await grains.GetGrain<ITaskGrain>(TaskId(task)).GetAsync() ?? throw DomainException.TaskNotFound(task);
        return grains.GetGrain<IMetaControllerGrain>(snapshot.Definition.Id);
    }
}
