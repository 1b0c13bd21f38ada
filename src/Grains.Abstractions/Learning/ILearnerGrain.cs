using Orleans.Concurrency;
using SelfDissonance.Tasks;

namespace SelfDissonance.Learning;

/// <summary>
/// Consumes a task's learnable episodes and feedback from its learning stream, trains candidates, runs the
/// trust-region and golden checks, and promotes through the registry. Keyed by task id.
/// </summary>
[Alias("sd.ILearnerGrain")]
public interface ILearnerGrain : IGrainWithStringKey
{
    /// <summary>Stores the golden set and first training rows, trains proposer v1 and critic v1.</summary>
    // Training takes seconds to minutes on a busy node; the gateway allows the training routes 10 minutes
    // (Gateway:TrainingRequestTimeout), so the grain call must not give up at Orleans' default 30 s first.
    [Alias("Bootstrap")]
    [ResponseTimeout("00:10:00")]
    Task<BootstrapResult> BootstrapAsync(TaskDefinition definition, BootstrapCommand command);

    /// <summary>
    /// Adds rows to the golden holdout or replaces it (a new revision, stored like the first), and re-scores each role's
    /// production version on it. Every later cycle's golden gate uses it.
    /// </summary>
    [Alias("SetGolden")]
    [ResponseTimeout("00:10:00")]
    Task<GoldenResult> SetGoldenAsync(GoldenCommand command);

    /// <summary>Runs a learning cycle now (queued behind a running one) on the rows taken when it is called.</summary>
    // Interleaves: the call waits for a cycle that runs beside the grain's turns, and stream deliveries must not queue
    // behind that wait.
    [AlwaysInterleave]
    [Alias("LearnNow")]
    [ResponseTimeout("00:10:00")]
    Task<LearningCycleResult> LearnNowAsync(string requestedBy);

    // Reads interleave with slow writes (bootstrap, training) so they never queue behind them.
    [AlwaysInterleave]
    [Alias("GetStatus")]
    Task<LearnerStatus> GetStatusAsync();

    /// <summary>
    /// Removes an episode's row (features and label) from the learner's data, its stored dataset segments and its
    /// buffer, so no later training window holds it. False when the learner never took that episode.
    /// </summary>
    [Alias("Erase")]
    Task<bool> EraseAsync(string episodeId);

    /// <summary>Releases every labeled row the label-noise guard holds in quarantine into training (an admin's confirmation).</summary>
    [Alias("ReleaseQuarantine")]
    Task<int> ReleaseQuarantineAsync(string by);

    /// <summary>Ids of the labeled episodes the label-noise guard holds in quarantine (for admins and audits).</summary>
    [AlwaysInterleave]
    [Alias("GetQuarantined")]
    Task<System.Collections.Immutable.ImmutableArray<string>> GetQuarantinedAsync();

    /// <summary>Has the learner seen this episode id (as an episode or a feedback)? For tests and audits.</summary>
    [Alias("GetConsumedCount")]
    Task<int> GetConsumedCountAsync(string episodeId);
}
