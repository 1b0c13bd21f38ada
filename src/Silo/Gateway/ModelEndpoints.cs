using SelfDissonance.Client.Cluster;
using SelfDissonance.Client.Contracts;
using static SelfDissonance.Silo.Gateway.GatewayResults;

namespace SelfDissonance.Silo.Gateway;

public static class ModelEndpoints
{
    public static RouteGroupBuilder MapModelEndpoints(this RouteGroupBuilder v1)
    {
        v1.MapPost("/tasks/{task}/learn", LearnAsync).Describe<LearnResponse>("Learn", "Run a learning cycle now.").WithRequestTimeout(RequestTimeouts.Training);
        v1.MapGet("/tasks/{task}/models", ListAsync).Describe<ModelsResponse>("ListModels", "Versions with lineage and production history, per role.");
        v1.MapPost("/tasks/{task}/quarantine:release", ReleaseQuarantineAsync).Describe<QuarantineReleaseResponse>("ReleaseQuarantine", "Release every label the label-noise guard holds into training (an admin's confirmation).");
        v1.MapPost("/tasks/{task}/models/{role}/rollback", RollbackAsync).Describe<RollbackResponse>("Rollback", "Move production back to the previous version (role: proposer or critic).");
        return v1;
    }

    private static async Task<IResult> LearnAsync(string task, HttpContext context, GrainApi api) => Json(await api.LearnAsync(task, Caller(context)));

    private static async Task<IResult> ReleaseQuarantineAsync(string task, HttpContext context, GrainApi api) => Json(await api.ReleaseQuarantineAsync(task, Caller(context)));

    private static async Task<IResult> ListAsync(string task, GrainApi api) => Json(await api.ListModelsAsync(task));

    private static async Task<IResult> RollbackAsync(string task, string role, HttpContext context, GrainApi api) =>
        Json(await api.RollbackAsync(task, role, Reason(context), Caller(context)));
}
