using SelfDissonance.Client.Contracts;
using SelfDissonance.Learning;
using SelfDissonance.Models;
using SelfDissonance.Runtime;
using SelfDissonance.Tasks;
using static SelfDissonance.Silo.Gateway.GatewayResults;

namespace SelfDissonance.Silo.Gateway;

public static class ModelEndpoints
{
    public static RouteGroupBuilder MapModelEndpoints(this RouteGroupBuilder v1)
    {
        v1.MapPost("/tasks/{task}/learn", LearnAsync).Describe<LearnResponse>("Learn", "Run a learning cycle now.");
        v1.MapGet("/tasks/{task}/models", ListAsync).Describe<ModelsResponse>("ListModels", "Versions with lineage and production history, per role.");
        v1.MapPost("/tasks/{task}/models/{role}/rollback", RollbackAsync).Describe<RollbackResponse>("Rollback", "Move production back to the previous version (role: proposer or critic).");
        return v1;
    }

    private static async Task<IResult> LearnAsync(string task, HttpContext context, IGrainFactory grains, TaskRuntimeCache cache)
    {
        var snapshot = await RequireBootstrappedAsync(grains, task);
        var result = await grains.GetGrain<ILearnerGrain>(snapshot.Definition.Id).LearnNowAsync(Caller(context));
        await cache.RefreshAsync(snapshot.Definition.Id);
        return Json(Responses.Learn(result));
    }

    private static async Task<IResult> ListAsync(string task, IGrainFactory grains)
    {
        var snapshot = await grains.GetGrain<ITaskGrain>(TaskId(task)).GetAsync() ?? throw DomainException.TaskNotFound(task);
        var id = snapshot.Definition.Id;
        return Json(new ModelsResponse(await RoleAsync(grains, id, ModelRole.Proposer), await RoleAsync(grains, id, ModelRole.Critic)));
    }

    private static async Task<IResult> RollbackAsync(string task, string role, HttpContext context, IGrainFactory grains, TaskRuntimeCache cache)
    {
        if (!ModelRoles.TryParse(role, out var parsed))
        {
            throw DomainException.BadRequest(ReasonCodes.InvalidRole, "Unknown model role.", $"'{Ids.Printable(role)}' is not 'proposer' or 'critic'.", [new FieldError("role", "Unknown role.", "proposer, critic")]);
        }

        var snapshot = await RequireBootstrappedAsync(grains, task);
        var registry = grains.GetGrain<IModelRegistryGrain>(ModelRoles.RegistryKey(snapshot.Definition.Id, parsed));
        var before = await registry.GetServingAsync();
        var production = await registry.RollbackAsync(Caller(context), context.Request.Query["reason"].FirstOrDefault() is { Length: > 0 and <= 200 } reason ? reason : "manual rollback");
        await cache.RefreshAsync(snapshot.Definition.Id);
        return Json(new RollbackResponse(parsed.ToWire(), before.Production?.Version ?? 0, Responses.ModelVersion(production)));
    }

    private static async Task<RoleModelsResponse> RoleAsync(IGrainFactory grains, string task, ModelRole role)
    {
        var registry = grains.GetGrain<IModelRegistryGrain>(ModelRoles.RegistryKey(task, role));
        return Responses.RoleModels(await registry.GetServingAsync(), await registry.ListAsync(), await registry.GetHistoryAsync());
    }

    internal static async Task<TaskSnapshot> RequireBootstrappedAsync(IGrainFactory grains, string task)
    {
        var snapshot = await grains.GetGrain<ITaskGrain>(TaskId(task)).GetAsync() ?? throw DomainException.TaskNotFound(task);
        return snapshot.Bootstrapped
            ? snapshot
            : throw DomainException.NotBootstrapped(snapshot.Definition.Id);
    }
}
