using System.Collections.Immutable;
using Orleans.Concurrency;
using SelfDissonance.Runtime;

namespace SelfDissonance.Episodes;

[StatelessWorker]
public sealed class ProposerGrain(TaskRuntimeCache cache) : Grain, IProposerGrain
{
    public async Task<Proposal> ProposeAsync(string taskId, string episodeId, ImmutableArray<float> features)
    {
        var runtime = await cache.GetRequiredAsync(taskId);
        var x = FeatureGuard.Check(features, runtime.Definition.FeatureCount);
        var (model, canary) = runtime.RequireProposer().Select(episodeId);
        var probabilities = model.Predictor.Predict(x);
        return new Proposal(Predictions.From(probabilities, runtime.Definition), model.Version, canary);
    }

    public async Task<PredictBatchResult> PredictBatchAsync(string taskId, ImmutableArray<ImmutableArray<float>> rows)
    {
        var runtime = await cache.GetRequiredAsync(taskId);
        var model = runtime.RequireProposer().Production;
        var predictions = ImmutableArray.CreateBuilder<Prediction>(rows.Length);
        foreach (var row in rows)
        {
            var x = FeatureGuard.Check(row, runtime.Definition.FeatureCount);
            predictions.Add(Predictions.From(model.Predictor.Predict(x), runtime.Definition));
        }

        return new PredictBatchResult(predictions.MoveToImmutable(), model.Version);
    }
}
