using System.Collections.Immutable;
using SelfDissonance.Client.Contracts;
using SelfDissonance.Episodes;
using SelfDissonance.Learning;
using SelfDissonance.Models;
using SelfDissonance.Policy;
using SelfDissonance.Tasks;
using WireEpisodeRequest = SelfDissonance.Client.Contracts.EpisodeRequest;

namespace SelfDissonance.Client.Cluster;

/// <summary>
/// API v1 as grain calls: validation, the grain calls and the mapping to wire contracts. The gateway's HTTP routes and
/// the cluster client both run exactly this, so both transports answer alike. Refusals are <see cref="DomainException"/>s
/// (the gateway writes them as problem+json; the cluster client turns them into <see cref="SelfDissonanceException"/>).
/// </summary>
internal sealed class GrainApi(IGrainFactory grains, ITaskSchemas schemas, int maxBatch, int maxPredictRows)
{
    // Stateless workers with a fixed key: one reference each, made on first use. Making one costs about 1.7 µs and 1.1 KB
    // (Orleans resolves the interface type every time; GrainReferenceBenchmarks), on every episode and prediction.
    private IEpisodeRunnerGrain? _runner;
    private IProposerGrain? _proposer;

    /// <summary>How long a learn request waits for a learner that takes no events and runs no cycle.</summary>
    public static readonly TimeSpan LearnerCatchUpLimit = TimeSpan.FromSeconds(10);

    /// <summary>The longest a learn request waits for the learner to take the episodes answered before it.</summary>
    public static readonly TimeSpan LearnerCatchUpCap = TimeSpan.FromMinutes(5);

    private static readonly TimeSpan s_learnerCatchUpPoll = TimeSpan.FromMilliseconds(50);

    public async Task<TaskResponse> CreateTaskAsync(CreateTaskRequest body)
    {
        var errors = TaskDefinitionValidator.Validate(body.Id, body.Features, body.Classes);
        if (!errors.IsEmpty)
        {
            throw DomainException.BadRequest(ReasonCodes.InvalidTask, "The task definition is invalid.", string.Join(" ", errors.Select(e => e.Message)), errors);
        }

        var policy = body.Policy is null ? null : Responses.Patch(body.Policy);
        if (policy is not null)
        {
            PolicyValidator.ThrowIfInvalid(policy.ApplyTo(TaskPolicy.Default));
        }

        var definition = new TaskDefinition(body.Id!, [.. body.Features!], [.. body.Classes!], DateTimeOffset.UtcNow);
        var snapshot = await grains.GetGrain<ITaskGrain>(definition.Id).CreateAsync(definition, policy);
        return await DescribeAsync(snapshot);
    }

    public async Task<TaskListResponse> ListTasksAsync() => new(await grains.GetGrain<ITaskDirectoryGrain>(ITaskDirectoryGrain.Key).ListAsync());

    public async Task<TaskResponse> GetTaskAsync(string task) => await DescribeAsync(await SnapshotAsync(task));

    public async Task<BootstrapResponse> BootstrapAsync(string task, BootstrapRequest body, string by)
    {
        var schema = await schemas.ForSchemaAsync(TaskId(task));
        return await BootstrapAsync(schema, Rows(schema, body.Training, "training"), Rows(schema, body.Golden, "golden"), by);
    }

    public async Task<BootstrapResponse> BootstrapFromCsvAsync(string task, Stream csv, string by)
    {
        var schema = await schemas.ForSchemaAsync(TaskId(task));
        var (training, golden) = CsvBootstrapReader.Read(csv, schema.Definition);
        return await BootstrapAsync(schema, training, golden, by);
    }

    /// <summary>Adds rows to the golden holdout or replaces it; production of both roles is re-scored on the new one.</summary>
    public async Task<GoldenResponse> SetGoldenAsync(string task, GoldenRequest body, string by)
    {
        var mode = body.Mode ?? "add";
        if (mode is not ("add" or "replace"))
        {
            throw DomainException.BadRequest(ReasonCodes.InvalidGolden, "Unknown golden mode.", $"'{Ids.Printable(mode)}' is not 'add' or 'replace'.", [new FieldError("mode", "Unknown mode.", "add, replace")]);
        }

        var schema = await schemas.ForSchemaAsync(TaskId(task));
        var rows = Rows(schema, body.Rows, "rows");
        var result = await grains.GetGrain<ITaskGrain>(schema.Definition.Id).SetGoldenAsync(new GoldenCommand(rows, mode == "replace", by));
        await schemas.ChangedAsync(schema.Definition.Id);
        return new GoldenResponse(
            schema.Definition.Id,
            result.Revision,
            result.Rows,
            mode,
            result.Proposer is { } p ? Responses.ModelVersion(p) : null,
            result.Critic is { } c ? Responses.ModelVersion(c) : null);
    }

    public async Task<EpisodeResponse> RunEpisodeAsync(string task, WireEpisodeRequest? body)
    {
        var schema = await schemas.ForServingAsync(TaskId(task));
        var request = ToRequest(schema, body, EpisodeSource.Sync, "");
        // An id the caller chose may be retried or raced: the episode grain runs it once. An id made up here is known to
        // no one yet, so the runner takes it without an activation of its own.
        var result = body?.Id is null
            ? await (_runner ??= grains.GetGrain<IEpisodeRunnerGrain>(0)).RunNewAsync(request)
            : await grains.GetGrain<IEpisodeGrain>(request.EpisodeId).RunAsync(request);
        return Responses.Episode(result, schema.Definition);
    }

    public async Task<BatchAcceptedResponse> SubmitBatchAsync(string task, IReadOnlyList<WireEpisodeRequest?> body)
    {
        var schema = await AcceptingSchemaAsync(task);
        if (body.Count == 0 || body.Count > maxBatch)
        {
            throw DomainException.BadRequest(ReasonCodes.BatchTooLarge, "The batch size is out of range.", $"Send 1 to {maxBatch} episodes per batch (got {body.Count}).");
        }

        // Every item is checked before any is queued, so a bad item leaves nothing behind.
        var requests = ImmutableArray.CreateBuilder<Episodes.EpisodeRequest>(body.Count);
        var ids = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < body.Count; i++)
        {
            var request = ToRequest(schema, body[i], EpisodeSource.Queue, $"[{i}].");
            if (!ids.Add(request.EpisodeId))
            {
                throw DomainException.BadRequest(ReasonCodes.InvalidBody, "The batch repeats an episode id.", $"Id '{request.EpisodeId}' appears more than once.", [new FieldError($"[{i}].id", "Duplicate in this batch.")]);
            }

            requests.Add(request);
        }

        return new BatchAcceptedResponse(await grains.GetGrain<IEpisodeIntakeGrain>(0).SubmitAsync(requests.MoveToImmutable()));
    }

    public async Task<PredictResponse> PredictAsync(string task, PredictRequest body)
    {
        var schema = await schemas.ForServingAsync(TaskId(task));
        var result = await (_proposer ??= grains.GetGrain<IProposerGrain>(0)).PredictBatchAsync(schema.Definition.Id, [FeatureMapper.Map(schema, body.Features)]);
        return Prediction(result.Predictions[0], result.Version, schema);
    }

    public async Task<List<PredictResponse>> PredictManyAsync(string task, IReadOnlyList<PredictRequest?>? rows)
    {
        var schema = await schemas.ForServingAsync(TaskId(task));
        if (rows is null || rows.Count == 0 || rows.Count > maxPredictRows)
        {
            throw DomainException.BadRequest(ReasonCodes.BatchTooLarge, "The number of rows is out of range.", $"Send 1 to {maxPredictRows} rows (got {rows?.Count ?? 0}).");
        }

        var vectors = ImmutableArray.CreateBuilder<ImmutableArray<float>>(rows.Count);
        for (var i = 0; i < rows.Count; i++)
        {
            vectors.Add(FeatureMapper.Map(schema, rows[i]?.Features, $"[{i}].features"));
        }

        var batch = await (_proposer ??= grains.GetGrain<IProposerGrain>(0)).PredictBatchAsync(schema.Definition.Id, vectors.MoveToImmutable());
        return [.. batch.Predictions.Select(p => Prediction(p, batch.Version, schema))];
    }

    public async Task<EpisodeRecordResponse> GetEpisodeAsync(string id)
    {
        var record = await grains.GetGrain<IEpisodeGrain>(EpisodeId(id)).GetAsync() ?? throw DomainException.EpisodeNotFound(id);
        var definition = (await grains.GetGrain<ITaskGrain>(record.TaskId).GetAsync())?.Definition;
        ModelVersionInfo? proposer = null, critic = null;
        if (record.Proposal is { } p)
        {
            proposer = await FindVersionAsync(record.TaskId, ModelRole.Proposer, p.Version);
        }

        if (record.Critique is { } c)
        {
            critic = await FindVersionAsync(record.TaskId, ModelRole.Critic, c.Version);
        }

        return Responses.EpisodeRecord(record, definition, proposer, critic);
    }

    public async Task<FeedbackResponse> SendFeedbackAsync(string id, string? label, string by)
    {
        var grain = grains.GetGrain<IEpisodeGrain>(EpisodeId(id));
        if (label is null)
        {
            throw DomainException.BadRequest(ReasonCodes.UnknownLabel, "A label is required.", null, [new FieldError("label", "Required.")]);
        }

        // The episode grain checks that it ran and that the label is a class of its task before it stores anything.
        var result = await grain.FeedbackAsync(label, by);
        return new FeedbackResponse(result.EpisodeId, result.Label, result.Learnable, result.Duplicate);
    }

    /// <summary>Erases an episode everywhere it is stored; a second erase (or an id that never ran) is episode_not_found.</summary>
    public async Task<EpisodeErasedResponse> EraseEpisodeAsync(string id, string by)
    {
        var erased = await grains.GetGrain<IEpisodeGrain>(EpisodeId(id)).EraseAsync(by);
        return new EpisodeErasedResponse(erased.EpisodeId, erased.TaskId, erased.RemovedFromLearner);
    }

    public async Task<QuarantineReleaseResponse> ReleaseQuarantineAsync(string task, string by)
    {
        var snapshot = await RequireBootstrappedAsync(task);
        var released = await grains.GetGrain<ILearnerGrain>(snapshot.Definition.Id).ReleaseQuarantineAsync(by);
        return new QuarantineReleaseResponse(snapshot.Definition.Id, released);
    }

    public async Task<LearnResponse> LearnAsync(string task, string by)
    {
        var snapshot = await RequireBootstrappedAsync(task);
        var learner = grains.GetGrain<ILearnerGrain>(snapshot.Definition.Id);
        await WaitForLearnerAsync(snapshot.Definition.Id, learner);
        var result = await learner.LearnNowAsync(by);
        await schemas.ChangedAsync(snapshot.Definition.Id);
        return Responses.Learn(result);
    }

    public async Task<ModelsResponse> ListModelsAsync(string task)
    {
        var id = (await SnapshotAsync(task)).Definition.Id;
        return new ModelsResponse(await RoleModelsAsync(id, ModelRole.Proposer), await RoleModelsAsync(id, ModelRole.Critic));
    }

    /// <summary>A page of the task's learning cycles, newest first; refuses a limit or before out of range before the task is looked up.</summary>
    public async Task<CyclesResponse> GetCyclesAsync(string task, int? limit, long? before)
    {
        var (take, until) = CyclePaging.Validate(limit, before);
        var id = (await SnapshotAsync(task)).Definition.Id;
        var page = await grains.GetGrain<ICycleLogGrain>(id).ReadAsync(take, until);
        return new CyclesResponse(id, [.. page.Cycles.Select(Responses.CycleRecord)], page.Next);
    }

    public async Task<RollbackResponse> RollbackAsync(string task, string role, string? reason, string by)
    {
        if (!ModelRoles.TryParse(role, out var parsed))
        {
            throw DomainException.BadRequest(ReasonCodes.InvalidRole, "Unknown model role.", $"'{Ids.Printable(role)}' is not 'proposer' or 'critic'.", [new FieldError("role", "Unknown role.", "proposer, critic")]);
        }

        var snapshot = await RequireBootstrappedAsync(task);
        var registry = grains.GetGrain<IModelRegistryGrain>(ModelRoles.RegistryKey(snapshot.Definition.Id, parsed));
        var before = await registry.GetServingAsync();
        var production = await registry.RollbackAsync(by, Reason(reason, "manual rollback"));
        await schemas.ChangedAsync(snapshot.Definition.Id);
        return new RollbackResponse(parsed.ToWire(), before.Production?.Version ?? 0, Responses.ModelVersion(production));
    }

    public async Task<PolicyResponse> GetPolicyAsync(string task) => Responses.Policy(await (await MetaAsync(task)).GetPolicyAsync());

    public async Task<PolicyResponse> UpdatePolicyAsync(string task, PolicyUpdate update, string? reason, string by)
    {
        var meta = await MetaAsync(task);
        var updated = await meta.UpdatePolicyAsync(Responses.Patch(update), by, Reason(reason, "policy update"));
        await schemas.ChangedAsync(meta.GetPrimaryKeyString());
        return Responses.Policy(updated);
    }

    public async Task<List<PolicyChangeResponse>> GetPolicyHistoryAsync(string task)
    {
        var history = await (await MetaAsync(task)).GetHistoryAsync();
        return [.. history.Select(h => new PolicyChangeResponse(h.Revision, h.At, h.By, h.Reason, Responses.PolicyFields(h.Policy)))];
    }

    public async Task<TaskMetricsResponse> GetMetricsAsync(string task)
    {
        var id = (await SnapshotAsync(task)).Definition.Id;

        // Silos batch their counters; flush every silo first so the answer includes every episode answered so far.
        await FlushAllSilosAsync();
        var meta = grains.GetGrain<IMetaControllerGrain>(id);
        var traffic = await meta.GetTrafficAsync();
        var policy = await meta.GetPolicyAsync();
        var proposers = await Registry(id, ModelRole.Proposer).ListAsync();
        var critics = await Registry(id, ModelRole.Critic).ListAsync();
        var learner = await grains.GetGrain<ILearnerGrain>(id).GetStatusAsync();

        return new TaskMetricsResponse(
            id,
            traffic.Episodes,
            traffic.Learnable,
            traffic.BlockedByReason,
            traffic.MeanDissonance,
            traffic.DissonanceHistogram,
            policy.Policy.Lambda,
            policy.Policy.DBudgetPerHour,
            policy.BudgetLeft,
            [.. proposers.Select(Responses.Accuracy)],
            [.. critics.Select(Responses.Accuracy)],
            new LearnerMetrics(learner.LabeledRows, learner.PseudoCandidates, learner.PendingLabeled, learner.EventsConsumed, learner.DuplicatesIgnored, learner.Cycles, learner.Quarantined, learner.QuarantineReleased, learner.Erased, learner.DriftAlarms));
    }

    public async Task<TaskHistoryResponse> GetHistoryAsync(string task)
    {
        var id = (await SnapshotAsync(task)).Definition.Id;
        await FlushAllSilosAsync();
        var traffic = await grains.GetGrain<IMetaControllerGrain>(id).GetTrafficHistoryAsync();
        var accuracy = new List<AccuracySample>();
        foreach (var role in new[] { ModelRole.Proposer, ModelRole.Critic })
        {
            var points = await Registry(id, role).GetAccuracyHistoryAsync();
            accuracy.AddRange(points.Select(p => TaskEventMapper.ToWire(role, p)));
        }

        return new TaskHistoryResponse(id, [.. traffic.Select(TaskEventMapper.ToWire)], [.. accuracy.OrderBy(a => a.At)]);
    }

    /// <summary>
    /// The schema queued episodes are checked against. Accepting needs the schema, not the models: queued work is taken
    /// (durably) even while no silo can load the task's models, and runs once one can.
    /// </summary>
    public async Task<TaskSchema> AcceptingSchemaAsync(string task)
    {
        var schema = await schemas.ForSchemaAsync(TaskId(task));
        return schema.Bootstrapped ? schema : throw DomainException.NotBootstrapped(schema.Definition.Id);
    }

    /// <summary>The task's snapshot; refuses unknown and invalid ids.</summary>
    public async Task<TaskSnapshot> SnapshotAsync(string task) =>
        await grains.GetGrain<ITaskGrain>(TaskId(task)).GetAsync() ?? throw DomainException.TaskNotFound(task);

    public static string TaskId(string task) => Ids.IsValidTaskId(task)
        ? task
        : throw DomainException.BadRequest(ReasonCodes.InvalidId, "The task id is not valid.", $"'{Ids.Printable(task)}' breaks the rule: {Ids.TaskIdRule}.");

    public static string EpisodeId(string id) => Ids.IsValidEpisodeId(id)
        ? id
        : throw DomainException.InvalidEpisodeId(id);

    /// <summary>
    /// Episodes answered before a learn request belong in its cycle, but the learner reads them from a stream, a moment
    /// later, and not at all while a cycle holds it. Waits until it has consumed as many events as the task counted
    /// learnable episodes (erased ones are gone from its data). A learner that is neither in a cycle nor consuming for
    /// <see cref="LearnerCatchUpLimit"/>, or still behind after <see cref="LearnerCatchUpCap"/>, is asked to learn from
    /// what it has: the wait delays a learn request, never blocks it.
    /// </summary>
    private async Task WaitForLearnerAsync(string task, ILearnerGrain learner)
    {
        await FlushAllSilosAsync();
        var learnable = (await grains.GetGrain<IMetaControllerGrain>(task).GetTrafficAsync()).Learnable;
        var started = TimeProvider.System.GetTimestamp();
        var progressed = started;
        var consumed = -1L;
        while (true)
        {
            var status = await learner.GetStatusAsync();
            if (status.EventsConsumed + status.Erased >= learnable)
            {
                return;
            }

            var now = TimeProvider.System.GetTimestamp();
            if (status.CycleRunning || status.EventsConsumed != consumed)
            {
                consumed = status.EventsConsumed;
                progressed = now;
            }

            if (TimeProvider.System.GetElapsedTime(progressed, now) > LearnerCatchUpLimit || TimeProvider.System.GetElapsedTime(started, now) > LearnerCatchUpCap)
            {
                return;
            }

            await Task.Delay(s_learnerCatchUpPoll);
        }
    }

    private Task FlushAllSilosAsync() => SiloAgents.ForEachAsync(grains, agent => agent.FlushAsync());

    private async Task<BootstrapResponse> BootstrapAsync(TaskSchema schema, ImmutableArray<LabeledExample> training, ImmutableArray<LabeledExample> golden, string by)
    {
        var result = await grains.GetGrain<ITaskGrain>(schema.Definition.Id).BootstrapAsync(new BootstrapCommand(training, golden, by));
        await schemas.ChangedAsync(schema.Definition.Id);
        return new BootstrapResponse(
            Responses.ModelVersion(result.Proposer),
            Responses.ModelVersion(result.Critic),
            result.TrainingRows,
            result.GoldenRows,
            result.Duration.TotalMilliseconds);
    }

    private static ImmutableArray<LabeledExample> Rows(TaskSchema schema, IReadOnlyList<LabeledRow>? rows, string field)
    {
        if (rows is null)
        {
            throw DomainException.BadRequest(ReasonCodes.InvalidBootstrap, $"'{field}' is required.", null, [new FieldError(field, "Required: an array of {features, label} rows.")]);
        }

        var result = ImmutableArray.CreateBuilder<LabeledExample>(rows.Count);
        for (var i = 0; i < rows.Count; i++)
        {
            var features = FeatureMapper.Map(schema, rows[i]?.Features, $"{field}[{i}].features");
            var label = rows[i]?.Label ?? throw DomainException.BadRequest(ReasonCodes.UnknownLabel, "Every bootstrap row needs a label.", null, [new FieldError($"{field}[{i}].label", "Required.")]);
            FeatureMapper.CheckLabel(schema, label, $"{field}[{i}].label");
            result.Add(new LabeledExample(features, schema.Definition.ClassIndex(label)));
        }

        return result.MoveToImmutable();
    }

    private static Episodes.EpisodeRequest ToRequest(TaskSchema schema, WireEpisodeRequest? body, EpisodeSource source, string prefix)
    {
        if (body is null)
        {
            throw DomainException.BadRequest(ReasonCodes.InvalidBody, "Every episode must be an object.", null, [new FieldError(prefix.TrimEnd('.'), "Null.")]);
        }

        var features = FeatureMapper.Map(schema, body.Features, $"{prefix}features");
        FeatureMapper.CheckLabel(schema, body.Label, $"{prefix}label");
        var id = body.Id ?? Ids.NewEpisodeId();
        if (!Ids.IsValidEpisodeId(id))
        {
            throw DomainException.InvalidEpisodeId(id, $"{prefix}id");
        }

        return new Episodes.EpisodeRequest(schema.Definition.Id, id, features, body.Label, source, DateTimeOffset.UtcNow);
    }

    private static PredictResponse Prediction(Prediction p, int version, TaskSchema schema)
    {
        var wire = Responses.Prediction(p, schema.Definition);
        return new PredictResponse(wire.Label, wire.Probabilities, version);
    }

    private async Task<ModelVersionInfo?> FindVersionAsync(string task, ModelRole role, int version)
    {
        var versions = await Registry(task, role).ListAsync();
        return versions.FirstOrDefault(v => v.Version == version);
    }

    private async Task<RoleModelsResponse> RoleModelsAsync(string task, ModelRole role)
    {
        var registry = Registry(task, role);
        return Responses.RoleModels(await registry.GetServingAsync(), await registry.ListAsync(), await registry.GetHistoryAsync());
    }

    private async Task<TaskSnapshot> RequireBootstrappedAsync(string task)
    {
        var snapshot = await SnapshotAsync(task);
        return snapshot.Bootstrapped ? snapshot : throw DomainException.NotBootstrapped(snapshot.Definition.Id);
    }

    private async Task<IMetaControllerGrain> MetaAsync(string task) => grains.GetGrain<IMetaControllerGrain>((await SnapshotAsync(task)).Definition.Id);

    private IModelRegistryGrain Registry(string task, ModelRole role) => grains.GetGrain<IModelRegistryGrain>(ModelRoles.RegistryKey(task, role));

    private async Task<TaskResponse> DescribeAsync(TaskSnapshot snapshot)
    {
        var id = snapshot.Definition.Id;
        var policy = await grains.GetGrain<IMetaControllerGrain>(id).GetPolicyAsync();
        ServingState? proposer = null, critic = null;
        if (snapshot.Bootstrapped)
        {
            proposer = await Registry(id, ModelRole.Proposer).GetServingAsync();
            critic = await Registry(id, ModelRole.Critic).GetServingAsync();
        }

        return Responses.Task(snapshot, policy, proposer, critic);
    }

    /// <summary>Reasons go into histories: at most 200 characters, else the default.</summary>
    private static string Reason(string? reason, string fallback) => reason is { Length: > 0 and <= 200 } ? reason : fallback;
}
