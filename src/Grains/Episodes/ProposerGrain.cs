using System.Collections.Immutable;
using System.Runtime.InteropServices;
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

    /// <summary>Rows per parallel slice: below this a batch is predicted on the calling thread.</summary>
    internal const int ParallelSlice = 128;

    public async Task<PredictBatchResult> PredictBatchAsync(string taskId, ImmutableArray<ImmutableArray<float>> rows)
    {
        var runtime = await cache.GetRequiredAsync(taskId);
        var model = runtime.RequireProposer().Production;
        var definition = runtime.Definition;
        // Every row is checked first, so a bad row fails the call with its own error, not one wrapped by Parallel.For.
        var inputs = new float[rows.Length][];
        for (var i = 0; i < rows.Length; i++)
        {
            inputs[i] = FeatureGuard.Check(rows[i], definition.FeatureCount);
        }

        var predictions = new Prediction[rows.Length];
        if (rows.Length < 2 * ParallelSlice)
        {
            Predict(0, rows.Length);
        }
        else
        {
            // A large batch is one caller waiting on all of its rows: spread them over the cores (the predictor pools an
            // engine per concurrent caller), which halves /predict's latency for 1,000 rows on two cores.
            Parallel.For(0, (rows.Length + ParallelSlice - 1) / ParallelSlice, slice => Predict(slice * ParallelSlice, Math.Min(rows.Length, (slice + 1) * ParallelSlice)));
        }

        return new PredictBatchResult(ImmutableCollectionsMarshal.AsImmutableArray(predictions), model.Version);

        void Predict(int from, int to)
        {
            for (var i = from; i < to; i++)
            {
                predictions[i] = Predictions.From(model.Predictor.Predict(inputs[i]), definition);
            }
        }
    }
}
