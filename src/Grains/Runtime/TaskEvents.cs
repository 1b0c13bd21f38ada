using System.Collections.Immutable;
using Microsoft.Extensions.Logging;
using Orleans.Streams;

namespace SelfDissonance.Runtime;

/// <summary>
/// The per-task live events stream. Watching is best effort: an event that cannot be published is dropped after one
/// attempt (and logged), because nothing durable depends on it and the work that produced it must not wait.
/// </summary>
public static partial class TaskEvents
{
    public static IAsyncStream<TaskEventBatch> Get(IStreamProvider provider, string taskId) =>
        provider.GetStream<TaskEventBatch>(StreamId.Create(StreamNames.TaskEvents, taskId));

    public static Task PublishAsync(Grain grain, string taskId, TaskEventItem item, ILogger logger) =>
        PublishAsync(grain.GetStreamProvider(StreamNames.EventsProvider), new TaskEventBatch(taskId, [item]), logger);

    public static async Task PublishAsync(IStreamProvider provider, TaskEventBatch batch, ILogger logger)
    {
        try
        {
            await Get(provider, batch.TaskId).OnNextAsync(batch);
        }
        catch (Exception e) when (e is InvalidOperationException or TimeoutException or OrleansException or StackExchange.Redis.RedisException)
        {
            LogDropped(logger, e, batch.TaskId, batch.Events.Length);
        }
    }

    public static TaskEventItem ModelChange(Models.ModelRole role, Models.ProductionChange change, double? goldenAccuracy)
    {
        var kind = change.Action is Models.ProductionActions.RolledBack or Models.ProductionActions.AutoRolledBack or Models.ProductionActions.CanaryRejected
            ? TaskEventNames.Rollback
            : TaskEventNames.Promotion;
        return new TaskEventItem(kind, change.At, Model: new ModelChangeNotice(role, change, goldenAccuracy));
    }

    public static ImmutableArray<TaskEventItem> None => [];

    [LoggerMessage(Level = LogLevel.Warning, Message = "Live events of task {Task} were dropped ({Count}); watchers miss them, nothing else depends on them")]
    private static partial void LogDropped(ILogger logger, Exception exception, string task, int count);
}
