using System.Collections.Immutable;
using Orleans.Concurrency;

namespace SelfDissonance.Models;

/// <summary>
/// Versions, stages, lineage and production history of one model lineage. Keyed by
/// <see cref="ModelRoles.RegistryKey"/> ("task/role"). Artifacts live in the artifact store; the registry holds their SHA-256.
/// </summary>
[Alias("sd.IModelRegistryGrain")]
public interface IModelRegistryGrain : IGrainWithStringKey
{
    /// <summary>Numbers the candidate (monotonically) and promotes it: straight to production, or to canary when canaryFraction &gt; 0.</summary>
    [Alias("RegisterAndPromote")]
    Task<ModelVersionInfo> RegisterAndPromoteAsync(RegisterCandidate candidate);

    /// <summary>Moves production back to the version that was production before it. Verifies that version's artifact first.</summary>
    [Alias("Rollback")]
    Task<ModelVersionInfo> RollbackAsync(string by, string reason);

    /// <summary>Records a version's accuracy on a new golden revision (its lineage then shows the current holdout's figure).</summary>
    [Alias("RescoreGolden")]
    Task<ModelVersionInfo> RescoreGoldenAsync(int version, double goldenAccuracy);

    // Reads interleave with slow writes (bootstrap, training) so they never queue behind them.
    [AlwaysInterleave]
    [Alias("GetServing")]
    Task<ServingState> GetServingAsync();

    // Reads interleave with slow writes (bootstrap, training) so they never queue behind them.
    [AlwaysInterleave]
    [Alias("List")]
    Task<ImmutableArray<ModelVersionInfo>> ListAsync();

    [Alias("GetHistory")]
    Task<ImmutableArray<ProductionChange>> GetHistoryAsync();

    /// <summary>Adds live accuracy counts; may finish a canary or trigger an automatic rollback.</summary>
    [Alias("RecordLiveOutcomes")]
    Task RecordLiveOutcomesAsync(ImmutableArray<LiveOutcome> outcomes);

    /// <summary>Records that an episode production was trained on has been erased: retraining is needed until a new version is promoted.</summary>
    [Alias("RecordErasure")]
    Task RecordErasureAsync(string episodeId);

    /// <summary>Sampled stage and accuracy of the serving versions, oldest first (thinned when long).</summary>
    [Alias("GetAccuracyHistory")]
    Task<ImmutableArray<AccuracyPoint>> GetAccuracyHistoryAsync();
}
