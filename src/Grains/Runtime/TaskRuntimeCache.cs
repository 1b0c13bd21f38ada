using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using SelfDissonance.Models;
using SelfDissonance.Policy;
using SelfDissonance.Tasks;

namespace SelfDissonance.Runtime;

/// <summary>
/// The silo-local view of every task this silo serves: schema, statistics, policy and the verified production (and
/// canary) models. Loaded on first use with a single flight per task, then kept current by control-stream events
/// (promotion, rollback, policy, task changes) applied by this silo's <see cref="SiloAgentGrain"/>.
/// </summary>
public sealed partial class TaskRuntimeCache(IGrainFactory grains, ModelLoader loader, TimeProvider time, ILogger<TaskRuntimeCache> logger)
{
    private readonly ConcurrentDictionary<string, Entry> _entries = new(StringComparer.Ordinal);

    /// <summary>The task's runtime, or null when the task does not exist.</summary>
    public ValueTask<TaskRuntime?> GetAsync(string taskId)
    {
        if (_entries.TryGetValue(taskId, out var entry) && entry.Current is { } current)
        {
            return new ValueTask<TaskRuntime?>(current);
        }

        return new ValueTask<TaskRuntime?>(LoadOnceAsync(taskId));
    }

    /// <summary>The task's runtime; throws 404 task_not_found when it does not exist.</summary>
    public async ValueTask<TaskRuntime> GetRequiredAsync(string taskId) =>
        await GetAsync(taskId) ?? throw DomainException.TaskNotFound(taskId);

    /// <summary>What this silo holds for a task, without loading it.</summary>
    public TaskRuntime? Peek(string taskId) => _entries.TryGetValue(taskId, out var e) ? e.Current : null;

    /// <summary>Drops a task; the next request loads it again from its grains.</summary>
    public void Invalidate(string taskId) => _entries.TryRemove(taskId, out _);

    public IReadOnlyCollection<string> CachedTasks => [.. _entries.Keys];

    /// <summary>Applies a control event: swaps in the new serving models, policy or task once they are loaded and verified.</summary>
    public async Task ApplyAsync(ControlEvent change)
    {
        if (!_entries.TryGetValue(change.TaskId, out var entry))
        {
            return;
        }

        if (entry.Current is not { } current)
        {
            // Still loading: the load may have read the state before this change; start again.
            _entries.TryRemove(new KeyValuePair<string, Entry>(change.TaskId, entry));
            return;
        }

        try
        {
            var next = current;
            if (change.Task is { } task && task.Revision > current.Task.Revision)
            {
                next = next with { Task = task };
                if (task.Bootstrapped && (next.Proposer is null || next.Critic is null))
                {
                    next = await LoadServingAsync(next);
                }
            }

            if (change.Policy is { } policy && policy.Revision > current.Policy.Revision)
            {
                next = next with { Policy = policy };
            }

            if (change.Serving is { } serving)
            {
                var role = serving.Role == ModelRole.Proposer ? next.Proposer : next.Critic;
                if (role is null || serving.Revision > role.Serving.Revision)
                {
                    var loaded = await LoadRoleAsync(next.Shape, serving);
                    next = serving.Role == ModelRole.Proposer ? next with { Proposer = loaded } : next with { Critic = loaded };
                }
            }

            if (!ReferenceEquals(next, current))
            {
                entry.Current = next with { LastChangeAt = time.GetUtcNow() };
                LogApplied(logger, change.TaskId, next.Proposer?.Production.Version, next.Critic?.Production.Version, next.Policy.Revision);
            }
        }
        catch (Exception e) when (e is ArtifactIntegrityException or DomainException or IOException)
        {
            // Keep serving the verified models already loaded (an unreachable blob store included); the refusal is
            // logged and counted by the loader, and the refresh timer tries again.
            LogKeptPrevious(logger, e, change.TaskId);
        }
    }

    /// <summary>Re-reads every cached task from its grains (a safety net for missed events).</summary>
    public async Task RefreshAllAsync()
    {
        foreach (var taskId in _entries.Keys)
        {
            try
            {
                await RefreshAsync(taskId);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                LogRefreshFailed(logger, e, taskId);
            }
        }
    }

    /// <summary>
    /// Re-reads one task now. The silo that handled a change calls this so its next request sees it at once; other
    /// silos follow through the control stream.
    /// </summary>
    public async Task<TaskRuntime?> RefreshAsync(string taskId)
    {
        if (!_entries.ContainsKey(taskId))
        {
            return await GetAsync(taskId);
        }

        var fresh = await LoadAsync(taskId);
        if (fresh is null)
        {
            _entries.TryRemove(taskId, out _);
            return null;
        }

        await ApplyAsync(new ControlEvent(taskId, null, fresh.Policy, fresh.Task, time.GetUtcNow()));
        if (fresh.Proposer is { } p)
        {
            await ApplyAsync(new ControlEvent(taskId, p.Serving, null, null, time.GetUtcNow()));
        }

        if (fresh.Critic is { } c)
        {
            await ApplyAsync(new ControlEvent(taskId, c.Serving, null, null, time.GetUtcNow()));
        }

        return await GetAsync(taskId);
    }

    private async Task<TaskRuntime?> LoadOnceAsync(string taskId)
    {
        while (true)
        {
            var entry = _entries.GetOrAdd(taskId, static (id, self) => new Entry(self.LoadAsync(id)), this);
            TaskRuntime? loaded;
            try
            {
                loaded = await entry.Loading;
            }
            catch
            {
                _entries.TryRemove(new KeyValuePair<string, Entry>(taskId, entry));
                throw;
            }

            if (loaded is null)
            {
                // Unknown tasks are not cached: creating the task must be visible at once.
                _entries.TryRemove(new KeyValuePair<string, Entry>(taskId, entry));
                return null;
            }

            entry.Current ??= loaded;
            if (_entries.TryGetValue(taskId, out var now) && ReferenceEquals(now, entry))
            {
                return entry.Current;
            }

            // The entry was dropped while loading because a change arrived; load again so the change is not missed.
        }
    }

    private async Task<TaskRuntime?> LoadAsync(string taskId)
    {
        var snapshot = await grains.GetGrain<ITaskGrain>(taskId).GetAsync();
        if (snapshot is null)
        {
            return null;
        }

        var policy = await grains.GetGrain<IMetaControllerGrain>(taskId).GetPolicyAsync();
        var runtime = new TaskRuntime(snapshot, policy, null, null) { LastChangeAt = time.GetUtcNow() };
        if (!snapshot.Bootstrapped)
        {
            return runtime;
        }

        try
        {
            return await LoadServingAsync(runtime);
        }
        catch (IOException e)
        {
            // The artifact store is unreachable: know the task (schema, policy) without models. Serving answers 503
            // model_unavailable, queued work waits, and the next refresh or episode tries the models again.
            LogModelsUnavailable(logger, e, taskId);
            return runtime;
        }
    }

    private async Task<TaskRuntime> LoadServingAsync(TaskRuntime runtime)
    {
        var taskId = runtime.Definition.Id;
        var proposer = await grains.GetGrain<IModelRegistryGrain>(ModelRoles.RegistryKey(taskId, ModelRole.Proposer)).GetServingAsync();
        var critic = await grains.GetGrain<IModelRegistryGrain>(ModelRoles.RegistryKey(taskId, ModelRole.Critic)).GetServingAsync();
        return runtime with
        {
            Proposer = proposer.Production is null ? null : await LoadRoleAsync(runtime.Shape, proposer),
            Critic = critic.Production is null ? null : await LoadRoleAsync(runtime.Shape, critic),
        };
    }

    private async Task<RoleRuntime> LoadRoleAsync(Learning.Ml.ModelShape shape, ServingState serving)
    {
        var production = await loader.LoadAsync(serving.Production ?? throw new InvalidOperationException("No production version."), shape);
        LoadedModel? canary = null;
        if (serving.Canary is { } canaryInfo)
        {
            try
            {
                canary = await loader.LoadAsync(canaryInfo, shape);
            }
            catch (Exception e) when (e is ArtifactIntegrityException or IOException)
            {
                // A canary that fails verification or cannot be read is not served; production takes its share.
                LogKeptPrevious(logger, e, serving.TaskId);
            }
        }

        loader.Trim(serving.TaskId, serving.Role, production.Version, canary?.Version ?? production.Version);
        return new RoleRuntime(serving, production, canary);
    }

    private sealed class Entry(Task<TaskRuntime?> loading)
    {
        private TaskRuntime? _current;

        public Task<TaskRuntime?> Loading { get; } = loading;

        public TaskRuntime? Current
        {
            get => Volatile.Read(ref _current);
            set => Volatile.Write(ref _current, value);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Task {Task} now serves proposer v{Proposer}, critic v{Critic}, policy revision {PolicyRevision} on this silo")]
    private static partial void LogApplied(ILogger logger, string task, int? proposer, int? critic, long policyRevision);

    [LoggerMessage(Level = LogLevel.Error, Message = "Task {Task}: a change could not be applied; this silo keeps serving the models it has verified")]
    private static partial void LogKeptPrevious(ILogger logger, Exception exception, string task);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Task {Task}: models could not be loaded (artifact store unavailable); serving waits for the store")]
    private static partial void LogModelsUnavailable(ILogger logger, Exception exception, string task);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Refreshing task {Task} failed; will retry")]
    private static partial void LogRefreshFailed(ILogger logger, Exception exception, string task);
}
