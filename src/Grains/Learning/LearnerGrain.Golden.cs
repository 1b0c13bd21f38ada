using System.Collections.Immutable;
using Microsoft.Extensions.Logging;
using SelfDissonance.Learning.Ml;
using SelfDissonance.Models;

namespace SelfDissonance.Learning;

/// <summary>
/// The golden holdout after bootstrap: users add rows or replace it (a holdout from an old concept goes stale after a
/// drift and would hold the golden gate against the new one). Each change is a new stored revision; production of both
/// roles is re-scored on it, and every later step's golden gate uses it.
/// </summary>
public sealed partial class LearnerGrain
{
    public async Task<GoldenResult> SetGoldenAsync(GoldenCommand command)
    {
        if (_data is null)
        {
            throw DomainException.NotBootstrapped(TaskId);
        }

        var rows = command.Replace ? command.Rows : _golden.AddRange(command.Rows);
        var bytes = DatasetSegment.GoldenToJson(rows);
        var reference = await store.PutAsync(ArtifactKeys.Golden(TaskId, Sha(bytes)), bytes);
        await WriteStateAsync(s => s with { Golden = reference, GoldenRevision = s.GoldenRevision + 1 });
        SetGolden(rows);

        var definition = state.State.Definition!;
        var shape = new ModelShape(definition.FeatureCount, definition.ClassCount);
        var proposer = await RescoreAsync(ModelRole.Proposer, shape, rows);
        var critic = await RescoreAsync(ModelRole.Critic, shape, rows);
        LogGoldenChanged(logger, TaskId, state.State.GoldenRevision, command.Replace ? "replaced" : "extended", rows.Length, proposer?.Lineage.GoldenAccuracy, command.RequestedBy);
        return new GoldenResult(state.State.GoldenRevision, rows.Length, proposer, critic);
    }

    private async Task<ModelVersionInfo?> RescoreAsync(ModelRole role, ModelShape shape, ImmutableArray<Tasks.LabeledExample> rows)
    {
        var registry = GrainFactory.GetGrain<IModelRegistryGrain>(ModelRoles.RegistryKey(TaskId, role));
        if ((await registry.GetServingAsync()).Production is not { } production)
        {
            return null;
        }

        var model = await loader.LoadAsync(production, shape);
        var accuracy = await LearningThread.RunAsync(() => GoldenEvaluator.Accuracy(model.Predictor, rows));
        return await registry.RescoreGoldenAsync(production.Version, accuracy);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Task {Task}: golden holdout revision {Revision} ({How}, {Rows} rows) by {By}; production proposer re-scored at {Accuracy:P2}")]
    private static partial void LogGoldenChanged(ILogger logger, string task, int revision, string how, int rows, double? accuracy, string by);
}
