using Microsoft.Extensions.Logging;
using SelfDissonance.Learning;
using SelfDissonance.Policy;
using SelfDissonance.Runtime;

namespace SelfDissonance.Tasks;

public sealed partial class TaskGrain(
    [PersistentState("task", StorageNames.Control)] IPersistentState<TaskState> state,
    TimeProvider time,
    ILogger<TaskGrain> logger) : Grain, ITaskGrain
{
    public const int MinGoldenRows = 10;

    private string TaskId => this.GetPrimaryKeyString();

    public async Task<TaskSnapshot> CreateAsync(TaskDefinition definition, PolicyPatch? policy)
    {
        if (state.State.Definition is not null)
        {
            throw DomainException.Conflict(ReasonCodes.TaskExists, "The task already exists.", $"Task '{TaskId}' was created at {state.State.Definition.CreatedAt:O}.");
        }

        var errors = TaskDefinitionValidator.Validate(definition.Id, definition.Features, definition.Classes);
        if (!errors.IsEmpty)
        {
            throw DomainException.BadRequest(ReasonCodes.InvalidTask, "The task definition is invalid.", string.Join(" ", errors.Select(e => e.Message)), errors);
        }

        if (definition.Id != TaskId)
        {
            throw DomainException.BadRequest(ReasonCodes.InvalidTask, "The task id does not match the grain key.");
        }

        var effective = (policy ?? new PolicyPatch()).ApplyTo(TaskPolicy.Default);
        PolicyValidator.ThrowIfInvalid(effective);
        await GrainFactory.GetGrain<IMetaControllerGrain>(TaskId).InitializeAsync(effective, "task-create");

        state.State = new TaskState { Definition = definition with { CreatedAt = time.GetUtcNow() }, Revision = 1 };
        await state.WriteStateAsync();
        await GrainFactory.GetGrain<ITaskDirectoryGrain>(ITaskDirectoryGrain.Key).AddAsync(TaskId);
        LogCreated(logger, TaskId, definition.FeatureCount, definition.ClassCount);
        var snapshot = Snapshot()!;
        await ControlStream.PublishAsync(this, new ControlEvent(TaskId, null, null, snapshot, time.GetUtcNow()), logger);
        return snapshot;
    }

    public Task<TaskSnapshot?> GetAsync() => Task.FromResult(Snapshot());

    public async Task<BootstrapResult> BootstrapAsync(BootstrapCommand command)
    {
        var definition = state.State.Definition ?? throw DomainException.TaskNotFound(TaskId);
        if (state.State.Bootstrapped)
        {
            throw DomainException.Conflict(ReasonCodes.AlreadyBootstrapped, "The task is already bootstrapped.", $"Task '{TaskId}' was bootstrapped at {state.State.BootstrappedAt:O}; models evolve through learning from here.");
        }

        ValidateBootstrap(definition, command);
        var statistics = FeatureStatisticsCalculator.Compute(command.Training.Select(r => r.Features.ToArray()));
        var result = await GrainFactory.GetGrain<ILearnerGrain>(TaskId).BootstrapAsync(definition, command);

        state.State = state.State with
        {
            Bootstrapped = true,
            BootstrappedAt = time.GetUtcNow(),
            Statistics = statistics,
            GoldenRows = command.Golden.Length,
            Revision = state.State.Revision + 1,
        };
        await state.WriteStateAsync();
        LogBootstrapped(logger, TaskId, command.Training.Length, command.Golden.Length, result.Proposer.Lineage.GoldenAccuracy, result.Critic.Lineage.GoldenAccuracy);
        await ControlStream.PublishAsync(this, new ControlEvent(TaskId, null, null, Snapshot(), time.GetUtcNow()), logger);
        return result;
    }

    public async Task<Learning.GoldenResult> SetGoldenAsync(Learning.GoldenCommand command)
    {
        var definition = state.State.Definition ?? throw DomainException.TaskNotFound(TaskId);
        if (!state.State.Bootstrapped)
        {
            throw DomainException.NotBootstrapped(TaskId);
        }

        var errors = new List<FieldError>();
        if (command.Rows.IsDefaultOrEmpty)
        {
            errors.Add(new FieldError("rows", "At least one golden row is needed.", ">= 1 row"));
        }
        else if (command.Replace && command.Rows.Length < MinGoldenRows)
        {
            errors.Add(new FieldError("rows", $"A replaced golden set needs at least {MinGoldenRows} rows (got {command.Rows.Length}).", $">= {MinGoldenRows} rows"));
        }

        for (var i = 0; !command.Rows.IsDefault && i < command.Rows.Length && errors.Count < 50; i++)
        {
            if (command.Rows[i].Features.Length != definition.FeatureCount || command.Rows[i].Features.Any(v => !float.IsFinite(v)))
            {
                errors.Add(new FieldError($"rows[{i}].features", $"Needs {definition.FeatureCount} finite numbers."));
            }
        }

        if (errors.Count > 0)
        {
            throw DomainException.BadRequest(ReasonCodes.InvalidGolden, "The golden rows are invalid.", string.Join(" ", errors.Take(5).Select(e => e.Message)), [.. errors]);
        }

        var result = await GrainFactory.GetGrain<ILearnerGrain>(TaskId).SetGoldenAsync(command);
        state.State = state.State with { GoldenRows = result.Rows, Revision = state.State.Revision + 1 };
        await state.WriteStateAsync();
        await ControlStream.PublishAsync(this, new ControlEvent(TaskId, null, null, Snapshot(), time.GetUtcNow()), logger);
        return result;
    }

    public async Task UpdateStatisticsAsync(FeatureStatistics statistics)
    {
        if (state.State.Definition is null)
        {
            return;
        }

        state.State = state.State with { Statistics = statistics, Revision = state.State.Revision + 1 };
        await state.WriteStateAsync();
        await ControlStream.PublishAsync(this, new ControlEvent(TaskId, null, null, Snapshot(), time.GetUtcNow()), logger);
    }

    private TaskSnapshot? Snapshot() => state.State.Definition is { } d
        ? new TaskSnapshot(d, state.State.Bootstrapped, state.State.Statistics, state.State.BootstrappedAt, state.State.GoldenRows, state.State.Revision)
        : null;

    private static void ValidateBootstrap(TaskDefinition definition, BootstrapCommand command)
    {
        var errors = new List<FieldError>();
        // One row per class is enough to start: the learner cross-validates model families only once it has two.
        Check("training", command.Training, definition.ClassCount);
        Check("golden", command.Golden, MinGoldenRows);
        if (!command.Training.IsDefaultOrEmpty && errors.Count == 0)
        {
            var missing = Enumerable.Range(0, definition.ClassCount).Except(command.Training.Select(r => r.Label)).Select(k => definition.Classes[k]).ToList();
            if (missing.Count > 0)
            {
                errors.Add(new FieldError(
                    "training",
                    $"Every class needs at least one training row ({definition.ClassCount} classes); none for: {string.Join(", ", missing.Take(10))}.",
                    $">= 1 row per class ({definition.ClassCount} rows at least)"));
            }
        }

        if (errors.Count > 0)
        {
            throw DomainException.BadRequest(ReasonCodes.InvalidBootstrap, "The bootstrap data is invalid.", string.Join(" ", errors.Take(5).Select(e => e.Message)), [.. errors.Take(50)]);
        }

        void Check(string field, System.Collections.Immutable.ImmutableArray<LabeledExample> rows, int min)
        {
            if (rows.IsDefault || rows.Length < min)
            {
                errors.Add(new FieldError(field, $"At least {min} {field} rows are needed (got {(rows.IsDefault ? 0 : rows.Length)}).", $">= {min} rows"));
                return;
            }

            for (var i = 0; i < rows.Length && errors.Count < 50; i++)
            {
                if (rows[i].Features.Length != definition.FeatureCount)
                {
                    errors.Add(new FieldError($"{field}[{i}].features", $"Row has {rows[i].Features.Length} features; the task has {definition.FeatureCount}."));
                }
                else if (rows[i].Features.Any(v => !float.IsFinite(v)))
                {
                    errors.Add(new FieldError($"{field}[{i}].features", "Feature values must be finite numbers."));
                }

                if ((uint)rows[i].Label >= (uint)definition.ClassCount)
                {
                    errors.Add(new FieldError($"{field}[{i}].label", "Label is not one of the task's classes."));
                }
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Created task {Task} ({Features} features, {Classes} classes)")]
    private static partial void LogCreated(ILogger logger, string task, int features, int classes);

    [LoggerMessage(Level = LogLevel.Information, Message = "Bootstrapped task {Task} on {Training} training and {Golden} golden rows: proposer golden accuracy {ProposerAccuracy:P2}, critic {CriticAccuracy:P2}")]
    private static partial void LogBootstrapped(ILogger logger, string task, int training, int golden, double proposerAccuracy, double criticAccuracy);
}
