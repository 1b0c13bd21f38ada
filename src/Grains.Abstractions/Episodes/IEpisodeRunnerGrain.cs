namespace SelfDissonance.Episodes;

/// <summary>
/// Runs episodes whose id the gateway has just made up (a request without an id): nobody else can know the id yet, so
/// no other call can race for it, and the episode needs no activation of its own. The runner stores the record where the
/// episode grain keeps its state, so reads, feedback and erasure find it there as for any episode.
/// </summary>
[Alias("sd.IEpisodeRunnerGrain")]
public interface IEpisodeRunnerGrain : IGrainWithIntegerKey
{
    /// <summary>Runs and stores a new episode. An id that already has a record is refused (idempotency_conflict).</summary>
    [Alias("RunNew")]
    Task<EpisodeResult> RunNewAsync(EpisodeRequest request);
}
