using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Orleans.Storage;
using Orleans.Timers;
using SelfDissonance.Runtime;

namespace SelfDissonance.Episodes;

/// <summary>
/// Makes a queued episode durable before it is accepted: its finish reminder, then its record as received, both
/// without activating the episode grain. The queue entry is only the fast path. Rolling restarts showed why it cannot be
/// the only one: queue entries of a silo that was stopping were acknowledged by Orleans' pulling agent although no
/// episode grain ever stored them (hundreds per restart; every one examined on the queue that also carried the busy
/// learner's stream), and nothing else knew those episodes existed. With the record and the reminder in storage first, whichever silo owns
/// the reminder finishes the episode within <see cref="RuntimeOptions.FinishReminderPeriod"/> if no delivery does.
/// </summary>
public sealed class ReceivedEpisodes(IServiceProvider services, EpisodePipeline pipeline, IOptions<RuntimeOptions> options)
{
    private readonly IReminderRegistry _reminders = services.GetRequiredService<IReminderRegistry>();
    private readonly IGrainStorage _storage = services.GetRequiredKeyedService<IGrainStorage>(StorageNames.Episodes);

    /// <summary>
    /// Stores <paramref name="request"/> as received with its finish reminder. An id that already has a record (a
    /// resubmission, or an episode that already ran) keeps that record: episodes are idempotent by id.
    /// </summary>
    public async Task StoreAsync(IGrainFactory grains, EpisodeRequest request)
    {
        var grainId = grains.GetGrain<IEpisodeGrain>(request.EpisodeId).GetGrainId();
        // The reminder first: without a record it finds nothing to finish and removes itself, while a record without a
        // reminder could wait for ever if its queue entry is lost.
        var period = options.Value.FinishReminderPeriod;
        await _reminders.RegisterOrUpdateReminder(grainId, EpisodeGrain.FinishReminder, period, period);
        try
        {
            var state = new GrainState<EpisodeState>(new EpisodeState { Record = pipeline.NewRecord(request, EpisodeStatus.Received) });
            await _storage.WriteStateAsync(EpisodeGrain.StateName, grainId, state);
        }
        catch (InconsistentStateException)
        {
            // Already recorded: received earlier (its reminder is the one just renewed) or already run (the reminder
            // finds it finished and removes itself).
        }
    }
}
