using System.Collections.Immutable;
using System.Globalization;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using SelfDissonance.Policy;
using SelfDissonance.Runtime;
using SelfDissonance.Telemetry;

namespace SelfDissonance.Models;

/// <summary>
/// Versions, stages, lineage and production history of one lineage (task + role). Every serving change is written
/// before it is broadcast on the control stream, from which every silo swaps its cached model.
/// </summary>
public sealed partial class ModelRegistryGrain(
    [PersistentState("modelRegistry", StorageNames.Control)] IPersistentState<ModelRegistryState> state,
    IArtifactStore store,
    IOptions<LearningOptions> options,
    IOptions<RuntimeOptions> runtime,
    TimeProvider time,
    ILogger<ModelRegistryGrain> logger) : Grain, IModelRegistryGrain
{
    private string _taskId = "";
    private ModelRole _role;
    private bool _liveDirty;

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        var key = this.GetPrimaryKeyString();
        var slash = key.LastIndexOf('/');
        if (slash <= 0 || !ModelRoles.TryParse(key[(slash + 1)..], out _role))
        {
            throw new InvalidOperationException($"'{key}' is not a registry key (task/role).");
        }

        _taskId = key[..slash];
        this.RegisterGrainTimer(WriteLiveIfDirtyAsync, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(1));
        return Task.CompletedTask;
    }

    public override async Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        DomainGauges.RemoveModels(_taskId, _role);
        await WriteLiveIfDirtyAsync();
    }

    public async Task<ModelVersionInfo> RegisterAndPromoteAsync(RegisterCandidate candidate)
    {
        var policy = (await GrainFactory.GetGrain<IMetaControllerGrain>(_taskId).GetPolicyAsync()).Policy;
        var s = state.State;
        var version = s.Versions.Count == 0 ? 1 : s.Versions.Max(v => v.Version) + 1;
        var now = time.GetUtcNow();
        var asCanary = _role == ModelRole.Proposer && policy.CanaryFraction > 0 && s.ProductionStack.Count > 0;
        var info = new ModelVersionInfo(_taskId, _role, version, asCanary ? ModelStage.Canary : ModelStage.Production, candidate.Artifact, candidate.Lineage, now, LiveAccuracy.None);

        var versions = s.Versions;
        if (asCanary)
        {
            if (s.Canary is { } superseded)
            {
                versions = SetStage(versions, superseded, ModelStage.Rejected);
            }

            state.State = s with
            {
                Versions = versions.Add(info),
                Canary = version,
                CanaryFraction = policy.CanaryFraction,
                Revision = s.Revision + 1,
                History = s.History.Add(new ProductionChange(s.Revision + 1, now, ProductionActions.CanaryStarted, Production?.Version, version, candidate.By, candidate.Reason)),
            };
        }
        else
        {
            if (Production is { } previous)
            {
                versions = SetStage(versions, previous.Version, ModelStage.Archived);
            }

            state.State = s with
            {
                Versions = versions.Add(info),
                ProductionStack = s.ProductionStack.Add(version),
                Revision = s.Revision + 1,
                // The learner trains on its data as it is now, so a new production holds no erased row.
                ErasedSinceProduction = 0,
                History = s.History.Add(new ProductionChange(s.Revision + 1, now, ProductionActions.Promoted, Production?.Version, version, candidate.By, candidate.Reason)),
            };
        }

        await state.WriteStateAsync();
        _liveDirty = false;
        SelfDissonanceMetrics.Promotions.Add(1, Tag("task", _taskId), Tag("role", _role.ToWire()));
        LogPromoted(logger, _taskId, _role.ToWire(), version, asCanary ? "canary" : "production", candidate.Reason);
        await BroadcastAsync();
        return info;
    }

    public async Task<ModelVersionInfo> RollbackAsync(string by, string reason)
    {
        var stack = state.State.ProductionStack;
        if (stack.Count < 2)
        {
            throw DomainException.Conflict(
                ReasonCodes.NoPreviousVersion,
                "There is no earlier production version to roll back to.",
                stack.Count == 0 ? $"The {_role.ToWire()} of task '{_taskId}' has no production version." : $"v{stack[^1]} is the first production version of the {_role.ToWire()} of task '{_taskId}'.");
        }

        var target = Find(stack[^2]);
        try
        {
            // Never move production onto bytes that would be refused when loaded.
            await store.GetVerifiedAsync(target.Artifact);
        }
        catch (ArtifactIntegrityException e)
        {
            SelfDissonanceMetrics.ArtifactIntegrityFailures.Add(1, Tag("task", _taskId), Tag("role", _role.ToWire()));
            throw new DomainException(ReasonCodes.ArtifactIntegrity, 409, "The rollback target failed its integrity check.", $"{e.Message} Production stays on v{stack[^1]}.");
        }

        await MoveProductionBackAsync(by, reason, ProductionActions.RolledBack);
        SelfDissonanceMetrics.Rollbacks.Add(1, Tag("task", _taskId), Tag("role", _role.ToWire()), Tag("trigger", "manual"));
        return Production!;
    }

    public async Task<ModelVersionInfo> RescoreGoldenAsync(int version, double goldenAccuracy)
    {
        var info = Find(version);
        var rescored = info with { Lineage = info.Lineage with { GoldenAccuracy = goldenAccuracy } };
        state.State = state.State with { Versions = state.State.Versions.Replace(info, rescored) };
        await state.WriteStateAsync();
        return rescored;
    }

    public Task<ServingState> GetServingAsync() => Task.FromResult(Serving());

    public async Task RecordErasureAsync(string episodeId)
    {
        state.State = state.State with { ErasedSinceProduction = state.State.ErasedSinceProduction + 1 };
        await state.WriteStateAsync();
        LogErasure(logger, _taskId, _role.ToWire(), episodeId, state.State.ErasedSinceProduction);
    }

    public Task<ImmutableArray<ModelVersionInfo>> ListAsync() => Task.FromResult(state.State.Versions.ToImmutableArray());

    public Task<ImmutableArray<ProductionChange>> GetHistoryAsync() => Task.FromResult(state.State.History.ToImmutableArray());

    /// <summary>The stored samples and, last, the serving versions now: the latest points never lag the sample interval.</summary>
    public Task<ImmutableArray<AccuracyPoint>> GetAccuracyHistoryAsync() => Task.FromResult(state.State.Samples.AddRange(Points([])).ToImmutableArray());

    /// <summary>A history point for every serving version (production, canary) and for <paramref name="also"/>, at their current stage.</summary>
    private void Sample(IEnumerable<int?> also) =>
        state.State = state.State with { Samples = HistorySeries.Append(state.State.Samples, Points(also)) };

    private List<AccuracyPoint> Points(IEnumerable<int?> also)
    {
        var s = state.State;
        var now = time.GetUtcNow();
        return [.. new[] { s.ProductionStack.Count == 0 ? (int?)null : s.ProductionStack[^1], s.Canary }.Concat(also)
            .OfType<int>()
            .Distinct()
            .Select(v => s.Versions.Find(x => x.Version == v))
            .OfType<ModelVersionInfo>()
            .Select(v => new AccuracyPoint(now, v.Version, v.Stage, v.Lineage.GoldenAccuracy, v.Live))];
    }

    public async Task RecordLiveOutcomesAsync(ImmutableArray<LiveOutcome> outcomes)
    {
        var versions = state.State.Versions;
        foreach (var o in outcomes)
        {
            var index = versions.FindIndex(v => v.Version == o.Version);
            if (index >= 0)
            {
                versions = versions.SetItem(index, versions[index] with { Live = versions[index].Live.Add(o.Correct, o.Total) });
            }
        }

        state.State = state.State with { Versions = versions };
        if (state.State.Samples.Count == 0 || time.GetUtcNow() - state.State.Samples[^1].At >= runtime.Value.HistorySampleInterval)
        {
            Sample([]);
        }

        _liveDirty = true;
        if (_role == ModelRole.Proposer)
        {
            await EvaluateLiveAsync();
        }
    }

    /// <summary>Ends a canary, or rolls production back when its live accuracy fell more than rollbackDrop below its predecessor's.</summary>
    private async Task EvaluateLiveAsync()
    {
        var minSamples = options.Value.MinLiveSamples;
        var policy = (await GrainFactory.GetGrain<IMetaControllerGrain>(_taskId).GetPolicyAsync()).Policy;
        var now = time.GetUtcNow();

        if (state.State.Canary is { } canaryVersion && Find(canaryVersion) is { Live.Total: var n } canary && n >= minSamples)
        {
            var production = Production;
            var productionAccuracy = production?.Live.Accuracy ?? 0;
            var canaryAccuracy = canary.Live.Accuracy ?? 0;
            var s = state.State;
            if (production is null || canaryAccuracy >= productionAccuracy - policy.RollbackDrop)
            {
                var versions = SetStage(s.Versions, canaryVersion, ModelStage.Production);
                if (production is not null)
                {
                    versions = SetStage(versions, production.Version, ModelStage.Archived);
                }

                state.State = s with
                {
                    Versions = versions,
                    ProductionStack = s.ProductionStack.Add(canaryVersion),
                    Canary = null,
                    Revision = s.Revision + 1,
                    History = s.History.Add(new ProductionChange(s.Revision + 1, now, ProductionActions.CanaryPromoted, production?.Version, canaryVersion, "auto",
                        Describe($"canary live accuracy {canaryAccuracy:P2} over {n} episodes vs production {productionAccuracy:P2}"))),
                };
            }
            else
            {
                state.State = s with
                {
                    Versions = SetStage(s.Versions, canaryVersion, ModelStage.Rejected),
                    Canary = null,
                    Revision = s.Revision + 1,
                    History = s.History.Add(new ProductionChange(s.Revision + 1, now, ProductionActions.CanaryRejected, production.Version, canaryVersion, "auto",
                        Describe($"canary live accuracy {canaryAccuracy:P2} over {n} episodes is more than {policy.RollbackDrop:P1} below production's {productionAccuracy:P2}"))),
                };
            }

            await state.WriteStateAsync();
            _liveDirty = false;
            await BroadcastAsync();
            return;
        }

        var stack = state.State.ProductionStack;
        if (stack.Count < 2)
        {
            return;
        }

        var current = Find(stack[^1]);
        var predecessor = Find(stack[^2]);
        if (current.Live.Total >= minSamples && predecessor.Live.Total >= minSamples
            && current.Live.Accuracy < predecessor.Live.Accuracy - policy.RollbackDrop)
        {
            var why = Describe($"live accuracy of v{current.Version} {current.Live.Accuracy:P2} over {current.Live.Total} episodes is more than {policy.RollbackDrop:P1} below v{predecessor.Version}'s {predecessor.Live.Accuracy:P2}");
            try
            {
                await store.GetVerifiedAsync(predecessor.Artifact);
            }
            catch (ArtifactIntegrityException e)
            {
                LogAutoRollbackBlocked(logger, e, _taskId, _role.ToWire(), why);
                return;
            }

            await MoveProductionBackAsync("auto", why, ProductionActions.AutoRolledBack);
            SelfDissonanceMetrics.Rollbacks.Add(1, Tag("task", _taskId), Tag("role", _role.ToWire()), Tag("trigger", "auto"));
        }
    }

    private async Task MoveProductionBackAsync(string by, string reason, string action)
    {
        var s = state.State;
        var from = s.ProductionStack[^1];
        var to = s.ProductionStack[^2];
        state.State = s with
        {
            Versions = SetStage(SetStage(s.Versions, from, ModelStage.RolledBack), to, ModelStage.Production),
            ProductionStack = s.ProductionStack.RemoveAt(s.ProductionStack.Count - 1),
            Revision = s.Revision + 1,
            History = s.History.Add(new ProductionChange(s.Revision + 1, time.GetUtcNow(), action, from, to, by, reason)),
        };
        await state.WriteStateAsync();
        _liveDirty = false;
        LogRolledBack(logger, _taskId, _role.ToWire(), from, to, by, reason);
        await BroadcastAsync();
    }

    private ModelVersionInfo? Production => state.State.ProductionStack.Count == 0 ? null : Find(state.State.ProductionStack[^1]);

    private ModelVersionInfo Find(int version) => state.State.Versions.Find(v => v.Version == version)
        ?? throw new InvalidOperationException($"Version {version} is not registered.");

    private ServingState Serving() => new(
        _taskId,
        _role,
        Production,
        state.State.Canary is { } c ? Find(c) : null,
        state.State.CanaryFraction,
        state.State.Revision,
        state.State.ErasedSinceProduction);

    /// <summary>Called after every production change: silos swap their models, watchers see the change.</summary>
    private async Task BroadcastAsync()
    {
        await ControlStream.PublishAsync(this, new ControlEvent(_taskId, Serving(), null, null, time.GetUtcNow()), logger);
        var change = state.State.History[^1];
        Sample([change.From, change.To]);
        _liveDirty = true;
        var golden = state.State.Versions.Find(v => v.Version == change.To)?.Lineage.GoldenAccuracy;
        await TaskEvents.PublishAsync(this, _taskId, TaskEvents.ModelChange(_role, change, golden), logger);
        await AuditAsync(change);
    }

    /// <summary>
    /// The cluster's own production changes go to the task's audit trail as "system"; changes a caller asked for
    /// (bootstrap, manual rollback) are recorded by the gateway, which knows who and from where.
    /// </summary>
    private async Task AuditAsync(ProductionChange change)
    {
        if (change.By is not ("auto" or "learner"))
        {
            return;
        }

        var what = change.Action is ProductionActions.RolledBack or ProductionActions.AutoRolledBack ? Security.AuditActions.RolledBack : Security.AuditActions.Promoted;
        var detail = string.Create(CultureInfo.InvariantCulture, $"{_role.ToWire()} {change.Action} v{change.From?.ToString(CultureInfo.InvariantCulture) ?? "-"} -> v{change.To}: {change.Reason}");
        try
        {
            await GrainFactory.GetGrain<Security.IAuditLogGrain>(_taskId).AppendAsync(new Security.AuditEntry(change.At, Security.AuditActions.System, what, _taskId, detail, null));
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // The change is stored and broadcast; a lost audit line must not undo or fail it.
            LogAuditFailed(logger, e, _taskId);
        }
    }

    private async Task WriteLiveIfDirtyAsync()
    {
        PublishGauges();
        if (_liveDirty)
        {
            _liveDirty = false;
            await state.WriteStateAsync();
        }
    }

    private void PublishGauges()
    {
        var s = state.State;
        var serving = new List<ModelReading>(3);
        Add(s.ProductionStack.Count > 0 ? s.ProductionStack[^1] : null, "production");
        Add(s.ProductionStack.Count > 1 ? s.ProductionStack[^2] : null, "previous");
        Add(s.Canary, "canary");
        DomainGauges.SetModels(_taskId, _role, [.. serving]);

        void Add(int? version, string stage)
        {
            if (version is { } v && s.Versions.Find(x => x.Version == v) is { } info)
            {
                serving.Add(new ModelReading(v, stage, info.Lineage.GoldenAccuracy, info.Live.Accuracy, info.Live.Total));
            }
        }
    }

    private static ImmutableList<ModelVersionInfo> SetStage(ImmutableList<ModelVersionInfo> versions, int version, ModelStage stage)
    {
        var index = versions.FindIndex(v => v.Version == version);
        return index < 0 ? versions : versions.SetItem(index, versions[index] with { Stage = stage });
    }

    private static string Describe(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);

    private static KeyValuePair<string, object?> Tag(string key, object? value) => new(key, value);

    [LoggerMessage(Level = LogLevel.Information, Message = "Task {Task} {Role}: v{Version} promoted to {Stage} ({Reason})")]
    private static partial void LogPromoted(ILogger logger, string task, string role, int version, string stage, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Task {Task}: could not append to the audit trail")]
    private static partial void LogAuditFailed(ILogger logger, Exception exception, string task);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Task {Task} {Role}: production rolled back from v{From} to v{To} by {By}: {Reason}")]
    private static partial void LogRolledBack(ILogger logger, string task, string role, int from, int to, string by, string reason);

    [LoggerMessage(Level = LogLevel.Error, Message = "Task {Task} {Role}: automatic rollback needed ({Reason}) but the predecessor failed its integrity check")]
    private static partial void LogAutoRollbackBlocked(ILogger logger, Exception exception, string task, string role, string reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "Task {Task} {Role}: episode {Episode} erased; production needs retraining ({Count} erased since it was trained)")]
    private static partial void LogErasure(ILogger logger, string task, string role, string episode, int count);
}
