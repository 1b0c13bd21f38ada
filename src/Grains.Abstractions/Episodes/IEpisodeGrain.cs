using Orleans.Concurrency;

namespace SelfDissonance.Episodes;

/// <summary>
/// One episode's persisted state machine. Keyed by episode id (client idempotency key or a GUID):
/// the same id never runs or learns twice.
/// </summary>
[Alias("sd.IEpisodeGrain")]
public interface IEpisodeGrain : IGrainWithStringKey
{
    [Alias("Run")]
    Task<EpisodeResult> RunAsync(EpisodeRequest request);

    /// <summary>The record, or null when this id never ran.</summary>
    // Reads interleave with slow writes (bootstrap, training) so they never queue behind them.
    [AlwaysInterleave]
    [Alias("Get")]
    Task<EpisodeRecord?> GetAsync();

    [Alias("Feedback")]
    Task<FeedbackResult> FeedbackAsync(string label, string by);

    /// <summary>
    /// Erases the episode: its row leaves the learner's data and stored segments, the registries record that retraining
    /// is needed, and the stored record is cleared. Throws episode_not_found when there is nothing (any more) to erase.
    /// </summary>
    [Alias("Erase")]
    Task<EpisodeErasure> EraseAsync(string by);

    /// <summary>Takes over the retries of a stored episode whose learning event is not yet published (a timer while
    /// active, a reminder beyond): the episode runner, which keeps no state, hands such an episode over this way.</summary>
    [Alias("EnsurePublished")]
    Task EnsurePublishedAsync();
}
