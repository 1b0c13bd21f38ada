using SelfDissonance.Client.Cluster;
using SelfDissonance.Client.Contracts;
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

    private static async Task<IResult> GetAsync(string task, GrainApi api) => Json(await api.GetPolicyAsync(task));

    private static async Task<IResult> UpdateAsync(string task, HttpContext context, GrainApi api)
    {
        await api.SnapshotAsync(task);
        var body = await RequestReader.ReadJsonAsync<PolicyUpdate>(context.Request, context.RequestAborted);
        return Json(await api.UpdatePolicyAsync(task, body, Reason(context), Caller(context)));
    }

    private static async Task<IResult> HistoryAsync(string task, GrainApi api) => Json(await api.GetPolicyHistoryAsync(task));
}
