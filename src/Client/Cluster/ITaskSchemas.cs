namespace SelfDissonance.Client.Cluster;

/// <summary>
/// Where <see cref="GrainApi"/> gets task schemas and whom it tells about changes: the gateway silo answers from its
/// model cache (and refuses early when this silo cannot serve), a cluster client from the task grains.
/// </summary>
internal interface ITaskSchemas
{
    /// <summary>The schema of a task that must be able to answer episodes and predictions now.</summary>
    Task<TaskSchema> ForServingAsync(string taskId);

    /// <summary>The schema of an existing task (bootstrapped or not); throws task_not_found.</summary>
    Task<TaskSchema> ForSchemaAsync(string taskId);

    /// <summary>A change made through this caller (bootstrap, learn, rollback, policy): refresh what is cached locally.</summary>
    Task ChangedAsync(string taskId);
}
