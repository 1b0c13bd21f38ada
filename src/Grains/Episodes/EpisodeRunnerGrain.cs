using Microsoft.Extensions.DependencyInjection;
using Orleans.Concurrency;
using Orleans.Storage;
using SelfDissonance.Runtime;
using SelfDissonance.Telemetry;

namespace SelfDissonance.Episodes;

/// <summary>
/// New episodes with a server-made id, run without an activation per episode. A profile under load put placement,
/// directory registration, activation and deactivation of one grain per episode at about a fifth of the silo's CPU; the
/// record is the same one the episode grain would store, written as its first version (a create that fails if the id
/// exists), so the grain finds it when it is read, labeled or erased.
/// </summary>
[StatelessWorker]
public sealed class EpisodeRunnerGrain(EpisodePipeline pipeline) : Grain, IEpisodeRunnerGrain
{
    private IGrainStorage? _storage;

    public async Task<EpisodeResult> RunNewAsync(EpisodeRequest request)
    {
        var (record, published, labelIndex) = await pipeline.RunAsync(GrainFactory, this.GetStreamProvider(StreamNames.Provider), request);
        var episode = GrainFactory.GetGrain<IEpisodeGrain>(request.EpisodeId);
        var state = new GrainState<EpisodeState>(new EpisodeState { Record = record, PendingPublish = !published });
        _storage ??= ServiceProvider.GetRequiredKeyedService<IGrainStorage>(StorageNames.Episodes);
        try
        {
            // Orleans traces a grain's own state writes ("write storage"); this one bypasses the grain, so it gets a span here.
            using var span = SelfDissonanceMetrics.ActivitySource.StartActivity("store episode");
            await _storage.WriteStateAsync(EpisodeGrain.StateName, episode.GetGrainId(), state);
        }
        catch (InconsistentStateException)
        {
            throw DomainException.Conflict(ReasonCodes.IdempotencyConflict, "This episode id was already used.", $"Episode '{request.EpisodeId}' already has a record; use a new id.");
        }

        if (!published)
        {
            // The episode grain owns retries: activating it with the stored state schedules them.
            await episode.EnsurePublishedAsync();
        }

        pipeline.Completed(record, labelIndex);
        return new EpisodeResult(record, Replayed: false);
    }
}
