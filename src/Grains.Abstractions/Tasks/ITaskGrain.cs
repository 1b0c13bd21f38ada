using Orleans.Concurrency;
using SelfDissonance.Policy;

namespace SelfDissonance.Tasks;

/// <summary>One learning problem: schema, feature statistics, golden set reference, bootstrap. Keyed by task id.</summary>
[Alias("sd.ITaskGrain")]
public interface ITaskGrain : IGrainWithStringKey
{
    [Alias("Create")]
    Task<TaskSnapshot> CreateAsync(TaskDefinition definition, PolicyPatch? policy);

    /// <summary>The task, or null when it was never created.</summary>
    // Reads interleave with slow writes (bootstrap, training) so they never queue behind them.
    [AlwaysInterleave]
    [Alias("Get")]
    Task<TaskSnapshot?> GetAsync();

    [Alias("Bootstrap")]
    [ResponseTimeout("00:10:00")]
    Task<BootstrapResult> BootstrapAsync(BootstrapCommand command);

    /// <summary>Validates golden rows against the schema and hands them to the learner; the snapshot's golden row count follows.</summary>
    [Alias("SetGolden")]
    [ResponseTimeout("00:10:00")]
    Task<Learning.GoldenResult> SetGoldenAsync(Learning.GoldenCommand command);

    [Alias("UpdateStatistics")]
    Task UpdateStatisticsAsync(FeatureStatistics statistics);
}
