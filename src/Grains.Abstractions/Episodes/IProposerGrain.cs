using System.Collections.Immutable;

namespace SelfDissonance.Episodes;

/// <summary>Predicts with the task's production (or canary) proposer. A stateless worker: call with key 0.</summary>
[Alias("sd.IProposerGrain")]
public interface IProposerGrain : IGrainWithIntegerKey
{
    /// <summary>The proposal for an episode; the episode id decides canary routing deterministically.</summary>
    [Alias("Propose")]
    Task<Proposal> ProposeAsync(string taskId, string episodeId, ImmutableArray<float> features);

    /// <summary>Production predictions for many rows: no episode, no learning.</summary>
    [Alias("PredictBatch")]
    Task<PredictBatchResult> PredictBatchAsync(string taskId, ImmutableArray<ImmutableArray<float>> rows);
}
