using System.Collections.Immutable;
using System.Runtime.InteropServices;
using Orleans.Concurrency;
using SelfDissonance.Learning;
using SelfDissonance.Runtime;

namespace SelfDissonance.Episodes;

[StatelessWorker]
public sealed class CriticGrain(TaskRuntimeCache cache) : Grain, ICriticGrain
{
    public async Task<Critique> CritiqueAsync(string taskId, ImmutableArray<float> features, Prediction proposal)
    {
        var runtime = await cache.GetRequiredAsync(taskId);
        var x = FeatureGuard.Check(features, runtime.Definition.FeatureCount);
        var model = runtime.RequireCritic().Production;
        var q = model.Predictor.Predict(x);
        var p = ImmutableCollectionsMarshal.AsArray(proposal.Probabilities)!;
        var critic = Predictions.From(q, runtime.Definition);
        return new Critique(
            critic,
            model.Version,
            Divergence.TotalVariation(p, q),
            Divergence.JensenShannon(p, q),
            critic.LabelIndex != proposal.LabelIndex);
    }
}
