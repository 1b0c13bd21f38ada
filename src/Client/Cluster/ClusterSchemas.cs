using System.Collections.Concurrent;
using SelfDissonance.Tasks;

namespace SelfDissonance.Client.Cluster;

/// <summary>
/// Task schemas for a cluster client, read from the task grains. A bootstrapped task's schema never changes, so it is
/// kept; one that is not bootstrapped yet is read again on every call. Whether models load is the silo's concern: the
/// episode grain refuses with model_unavailable when its silo cannot serve.
/// </summary>
internal sealed class ClusterSchemas(IGrainFactory grains) : ITaskSchemas
{
    private readonly ConcurrentDictionary<string, TaskSchema> _bootstrapped = new(StringComparer.Ordinal);

    public async Task<TaskSchema> ForServingAsync(string taskId)
    {
        var schema = await ForSchemaAsync(taskId);
        return schema.Bootstrapped ? schema : throw DomainException.NotBootstrapped(schema.Definition.Id);
    }

    public async Task<TaskSchema> ForSchemaAsync(string taskId)
    {
        if (_bootstrapped.TryGetValue(taskId, out var known))
        {
            return known;
        }

        var snapshot = await grains.GetGrain<ITaskGrain>(taskId).GetAsync() ?? throw DomainException.TaskNotFound(taskId);
        var schema = TaskSchema.From(snapshot);
        if (schema.Bootstrapped)
        {
            _bootstrapped[taskId] = schema;
        }

        return schema;
    }

    /// <summary>
    /// A change made through this client (bootstrap, learn, rollback, policy) reaches silos on the control stream within
    /// milliseconds; asking every silo to re-read the task now makes the very next call see it, wherever it lands.
    /// </summary>
    public Task ChangedAsync(string taskId) => SiloAgents.ForEachAsync(grains, agent => agent.RefreshAsync(taskId));
}
