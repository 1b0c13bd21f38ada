using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.Placement;
using Orleans.Streams;
using SelfDissonance.Models;
using SelfDissonance.Policy;

namespace SelfDissonance.Runtime;

/// <summary>
/// This silo's agent. Started on every silo at startup (keyed by the silo's address and placed locally), it subscribes
/// to the control stream and applies promotions, rollbacks and policy changes to the silo-local cache, flushes the
/// silo's episode counters every second, publishes its episode outcomes to the tasks' live events streams, and re-reads cached tasks periodically in case an event was missed.
/// </summary>
[PreferLocalPlacement]
[CollectionAgeLimit(AlwaysActive = true)]
public sealed partial class SiloAgentGrain(
    ILocalSiloDetails silo,
    TaskRuntimeCache cache,
    SiloCounters counters,
    SiloEventBuffer events,
    IOptions<RuntimeOptions> options,
    ILogger<SiloAgentGrain> logger) : Grain, ISiloAgentGrain, IAsyncObserver<ControlEvent>
{
    private bool _local;

    public static string KeyFor(SiloAddress address) => address.ToParsableString();

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        _local = this.GetPrimaryKeyString() == KeyFor(silo.SiloAddress);
        var stream = ControlStream.Get(this.GetStreamProvider(StreamNames.ControlProvider));
        var handles = await stream.GetAllSubscriptionHandles();
        if (!_local)
        {
            // The agent of a silo that is gone, woken by its stale subscription: remove it and leave.
            foreach (var handle in handles)
            {
                await handle.UnsubscribeAsync();
            }

            LogStale(logger, this.GetPrimaryKeyString());
            DeactivateOnIdle();
            return;
        }

        if (handles.Count == 0)
        {
            await stream.SubscribeAsync(this);
        }
        else
        {
            await handles[0].ResumeAsync(this);
            foreach (var extra in handles.Skip(1))
            {
                await extra.UnsubscribeAsync();
            }
        }

        this.RegisterGrainTimer(FlushAsync, options.Value.CounterFlushInterval, options.Value.CounterFlushInterval);
        this.RegisterGrainTimer(PublishEventsAsync, options.Value.EventFlushInterval, options.Value.EventFlushInterval);
        this.RegisterGrainTimer(cache.RefreshAllAsync, options.Value.CacheRefreshInterval, options.Value.CacheRefreshInterval);
        LogStarted(logger, this.GetPrimaryKeyString());
    }

    public Task<bool> StartAsync() => Task.FromResult(_local);

    public async Task<SiloServingView> GetServingAsync(string taskId)
    {
        // What the next request on this silo would be served with: loaded if this silo has not served the task yet.
        var runtime = await cache.GetAsync(taskId);
        return new SiloServingView(
            KeyFor(silo.SiloAddress),
            runtime?.Proposer?.Production.Version,
            runtime?.Proposer?.Canary?.Version,
            runtime?.Critic?.Production.Version,
            runtime?.Policy.Revision ?? 0,
            runtime?.LastChangeAt);
    }

    public async Task RefreshAsync(string taskId) => await cache.RefreshAsync(taskId);

    public async Task FlushAsync()
    {
        foreach (var snapshot in counters.Drain())
        {
            if (snapshot.Traffic is { } traffic)
            {
                try
                {
                    await GrainFactory.GetGrain<IMetaControllerGrain>(snapshot.TaskId).RecordTrafficAsync(traffic);
                }
                catch (Exception e) when (e is TimeoutException or OrleansException)
                {
                    counters.Restore(snapshot with { Live = snapshot.Live.Clear() });
                    LogFlushFailed(logger, e, snapshot.TaskId);
                }
            }

            foreach (var (role, outcomes) in snapshot.Live)
            {
                try
                {
                    await GrainFactory.GetGrain<IModelRegistryGrain>(ModelRoles.RegistryKey(snapshot.TaskId, role)).RecordLiveOutcomesAsync(outcomes);
                }
                catch (Exception e) when (e is TimeoutException or OrleansException)
                {
                    counters.Restore(snapshot with { Traffic = null, Live = snapshot.Live.Clear().Add(role, outcomes) });
                    LogFlushFailed(logger, e, snapshot.TaskId);
                }
            }
        }
    }

    private async Task PublishEventsAsync()
    {
        var batches = events.Drain();
        if (batches.Count == 0)
        {
            return;
        }

        var provider = this.GetStreamProvider(StreamNames.EventsProvider);
        foreach (var batch in batches)
        {
            await TaskEvents.PublishAsync(provider, batch, logger);
        }
    }

    public async Task OnNextAsync(ControlEvent item, StreamSequenceToken? token = null)
    {
        try
        {
            await cache.ApplyAsync(item);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            // Never hand an exception back to the stream: the pulling agent would redeliver this event and hold back
            // every later one for this silo. Forget the task instead; its next request here reloads it from the grains.
            cache.Invalidate(item.TaskId);
            LogApplyFailed(logger, e, item.TaskId);
        }
    }

    public Task OnCompletedAsync() => Task.CompletedTask;

    public Task OnErrorAsync(Exception ex) => Task.CompletedTask;

    [LoggerMessage(Level = LogLevel.Information, Message = "Silo agent {Silo} subscribed to the control stream")]
    private static partial void LogStarted(ILogger logger, string silo);

    [LoggerMessage(Level = LogLevel.Information, Message = "Removed the stale agent of departed silo {Silo}")]
    private static partial void LogStale(ILogger logger, string silo);

    [LoggerMessage(Level = LogLevel.Error, Message = "Applying a control event for task {Task} failed; the task will be reloaded on its next request")]
    private static partial void LogApplyFailed(ILogger logger, Exception exception, string task);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Flushing counters of task {Task} failed; they are kept for the next flush")]
    private static partial void LogFlushFailed(ILogger logger, Exception exception, string task);
}
