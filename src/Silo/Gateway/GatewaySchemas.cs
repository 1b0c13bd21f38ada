using SelfDissonance.Client.Cluster;
using SelfDissonance.Runtime;

namespace SelfDissonance.Silo.Gateway;

/// <summary>Task schemas from this silo's model cache: episodes here run on this silo, so it must be able to serve them.</summary>
internal sealed class GatewaySchemas(TaskRuntimeCache cache) : ITaskSchemas
{
    public async Task<TaskSchema> ForServingAsync(string taskId)
    {
        var runtime = await cache.GetAsync(taskId) ?? throw DomainException.TaskNotFound(taskId);
        if (!runtime.CanServe)
        {
            // Bootstrapped through another silo a moment ago? Its control event may still be on the way.
            runtime = await cache.RefreshAsync(taskId) ?? throw DomainException.TaskNotFound(taskId);
        }

        runtime.RequireProposer();
        runtime.RequireCritic();
        return Schema(runtime);
    }

    public async Task<TaskSchema> ForSchemaAsync(string taskId)
    {
        var runtime = await cache.GetAsync(taskId) ?? throw DomainException.TaskNotFound(taskId);
        if (!runtime.Task.Bootstrapped)
        {
            runtime = await cache.RefreshAsync(taskId) ?? throw DomainException.TaskNotFound(taskId);
        }

        return Schema(runtime);
    }

    public Task ChangedAsync(string taskId) => cache.RefreshAsync(taskId);

    private static TaskSchema Schema(TaskRuntime runtime) => new(runtime.Definition, runtime.FeatureIndex, runtime.Task.Bootstrapped);
}
