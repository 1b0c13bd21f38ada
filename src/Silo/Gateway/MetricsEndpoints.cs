using SelfDissonance.Client.Cluster;
using SelfDissonance.Client.Contracts;
using static SelfDissonance.Silo.Gateway.GatewayResults;

namespace SelfDissonance.Silo.Gateway;

public static class MetricsEndpoints
{
    public static RouteGroupBuilder MapTaskMetricsEndpoints(this RouteGroupBuilder v1)
    {
        v1.MapGet("/tasks/{task}/metrics", GetAsync).Describe<TaskMetricsResponse>("TaskMetrics", "Episodes, dissonance, gate blocks, lambda, budget, accuracy per version, learner counters.");
        return v1;
    }

    private static async Task<IResult> GetAsync(string task, GrainApi api) => Json(await api.GetMetricsAsync(task));
}
