using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.Streams;
using Orleans.Streams.Core;
using SelfDissonance.Learning;
using SelfDissonance.Models;
using SelfDissonance.Runtime;
using SelfDissonance.Telemetry;

namespace SelfDissonance.Episodes;

/// <summary>
/// One episode: proposer → critic → safety gate → persisted → learnable ones published to the task's learning stream.
/// Idempotent by id: a completed episode returns its stored record and never runs or learns twice.
/// </summary>
[ImplicitStreamSubscription(StreamNames.EpisodeRequests)]
// On the silo that received the request (gateway or stream agent): a new episode then costs no extra silo hop; the
// proposer, critic and gate it calls are stateless workers on the same silo.
[Orleans.Placement.PreferLocalPlacement]
public sealed partial class EpisodeGrain(
    [PersistentState(EpisodeGrain.StateName, StorageNames.Episodes)] IPersistentState<EpisodeState> state,
    TaskRuntimeCache cache,
    EpisodePipeline pipeline,
    TimeProvider time,
    IOptions<RuntimeOptions> options,
    ILogger<EpisodeGrain> logger) : Grain, IEpisodeGrain, IStreamSubscriptionObserver, IAsyncObserver<EpisodeRequest>, IRemindable
{
    /// <summary>Finishes work a dead or failing activation left behind: a queued episode stored but not run, or a learning
    /// event not yet published. Registered only while such work exists.</summary>
    public const string FinishReminder = "finish";

    /// <summary>The persistent state's name: the episode runner stores a new episode's record under it too.</summary>
    public const string StateName = "episode";

    private static readonly TimeSpan s_publishRetryPeriod = TimeSpan.FromSeconds(2);
    private IGrainTimer? _publishRetry;

    private string EpisodeId => this.GetPrimaryKeyString();

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        if (state.State is { PendingPublish: true, Record.Status: EpisodeStatus.Completed })
        {
            // A previous activation may have died between storing the episode and publishing it.
            SchedulePublishRetry(TimeSpan.Zero);
        }

        return Task.CompletedTask;
    }

    public async Task<EpisodeResult> RunAsync(EpisodeRequest request)
    {
        if (request.EpisodeId != EpisodeId)
        {
            throw DomainException.BadRequest(ReasonCodes.InvalidId, "The episode id does not match the grain key.");
        }

        if (state.State.Erased)
        {
            throw DomainException.Conflict(ReasonCodes.IdempotencyConflict, "This episode id was erased.", $"Episode '{EpisodeId}' was erased; an erased id is not used again. Use a new id.");
        }

        if (state.State.Record is { Status: EpisodeStatus.Completed or EpisodeStatus.Failed } existing)
        {
            if (!SameRequest(existing, request))
            {
                throw DomainException.Conflict(
                    ReasonCodes.IdempotencyConflict,
                    "This episode id was already used for a different request.",
                    $"Episode '{EpisodeId}' ran on task '{existing.TaskId}' with other features or label; use a new id for a new input.");
            }

            return new EpisodeResult(existing, Replayed: true);
        }

        return new EpisodeResult(await RunPipelineAsync(request), Replayed: false);
    }

    public Task<EpisodeRecord?> GetAsync() => Task.FromResult(state.State.Record);

    public async Task<FeedbackResult> FeedbackAsync(string label, string by)
    {
        if (state.State.Record is not { Status: EpisodeStatus.Completed } record)
        {
            throw DomainException.EpisodeNotFound(EpisodeId);
        }

        var runtime = await cache.GetRequiredAsync(record.TaskId);
        var labelIndex = runtime.Definition.ClassIndex(label);
        if (labelIndex < 0)
        {
            throw DomainException.UnknownLabel(label, runtime.Definition.Classes);
        }

        // A true label is ground truth whatever the gate said about the unlabeled episode (dissonance, budget, distance):
        // only the label check applies, and it passed above.
        const bool learnable = true;
        if (record.TrueLabel is { } known)
        {
            return known == label
                ? new FeedbackResult(EpisodeId, label, learnable, Duplicate: true)
                : throw DomainException.Conflict(ReasonCodes.LabelConflict, "The episode already has a different label.", $"Episode '{EpisodeId}' is labeled '{known}'.");
        }

        var updated = record with { FeedbackLabel = label, FeedbackAt = time.GetUtcNow() };
        var published = !learnable || await pipeline.TryPublishAsync(this.GetStreamProvider(StreamNames.Provider), updated, LearningEventKind.Feedback, labelIndex);
        state.State = state.State with { Record = updated, PendingPublish = state.State.PendingPublish || !published };
        await state.WriteStateAsync();
        if (!published)
        {
            await SchedulePendingPublishAsync();
        }
        else
        {
            ReleaseWhenIdle();
        }

        pipeline.RecordLive(record.TaskId, record, labelIndex);
        LogFeedback(logger, EpisodeId, record.TaskId, label, by);
        return new FeedbackResult(EpisodeId, label, learnable, Duplicate: false);
    }

    public async Task<EpisodeErasure> EraseAsync(string by)
    {
        if (state.State.Record is not { } record)
        {
            throw DomainException.EpisodeNotFound(EpisodeId);
        }

        // The learner first: if it fails, the record stays and the caller can try again; never a record gone but a row kept.
        var removed = await GrainFactory.GetGrain<ILearnerGrain>(record.TaskId).EraseAsync(EpisodeId);
        if (removed)
        {
            foreach (var role in new[] { ModelRole.Proposer, ModelRole.Critic })
            {
                await GrainFactory.GetGrain<IModelRegistryGrain>(ModelRoles.RegistryKey(record.TaskId, role)).RecordErasureAsync(EpisodeId);
            }
        }

        StopRetry();
        await ClearFinishReminderAsync();
        state.State = new EpisodeState { Erased = true };
        await state.WriteStateAsync();
        SelfDissonanceMetrics.EpisodesErased.Add(1, new KeyValuePair<string, object?>("task", record.TaskId));
        LogErased(logger, EpisodeId, record.TaskId, by, removed);
        return new EpisodeErasure(EpisodeId, record.TaskId, removed);
    }

    public async Task OnSubscribed(IStreamSubscriptionHandleFactory handleFactory) =>
        await handleFactory.Create<EpisodeRequest>().ResumeAsync(this);

    /// <summary>The queue path. The request was validated before it was accepted; it is stored as received before it runs.</summary>
    public async Task OnNextAsync(EpisodeRequest item, StreamSequenceToken? token = null)
    {
        if (state.State.Erased)
        {
            return;
        }

        if (state.State.Record is { Status: EpisodeStatus.Completed or EpisodeStatus.Failed } existing)
        {
            if (!SameRequest(existing, item))
            {
                LogQueuedConflict(logger, EpisodeId);
            }

            return;
        }

        if (state.State.Record is null)
        {
            // Durable as received, with a reminder, before any work: if this silo dies or the pipeline keeps failing, the
            // reminder finishes the episode on whichever silo activates it next.
            state.State = new EpisodeState { Record = pipeline.NewRecord(item, EpisodeStatus.Received) };
            await state.WriteStateAsync();
            await RegisterFinishReminderAsync();
        }

        await FinishReceivedAsync(item);
    }

    public async Task ReceiveReminder(string reminderName, TickStatus status)
    {
        if (reminderName != FinishReminder)
        {
            return;
        }

        if (state.State.Record is { Status: EpisodeStatus.Received } received)
        {
            LogFinishing(logger, EpisodeId, received.TaskId);
            await FinishReceivedAsync(new EpisodeRequest(received.TaskId, received.Id, received.Features, received.Label, received.Source, received.SubmittedAt));
        }
        else if (state.State.PendingPublish)
        {
            await RetryPublishAsync(CancellationToken.None);
        }
        else
        {
            await ClearFinishReminderAsync();
        }
    }

    public Task OnCompletedAsync() => Task.CompletedTask;

    public Task OnErrorAsync(Exception ex) => Task.CompletedTask;

    private async Task FinishReceivedAsync(EpisodeRequest item)
    {
        try
        {
            await RunPipelineAsync(item);
        }
        catch (DomainException e) when (!e.IsTransient)
        {
            // Nothing will make this request valid later: record why so GET /v1/episodes/{id} can say so.
            state.State = new EpisodeState { Record = pipeline.NewRecord(item, EpisodeStatus.Failed) with { Error = $"{e.Reason}: {e.Message}", CompletedAt = time.GetUtcNow() } };
            await state.WriteStateAsync();
            LogQueuedFailed(logger, EpisodeId, e.Reason, e.Message);
        }

        if (!state.State.PendingPublish)
        {
            await ClearFinishReminderAsync();
        }
    }

    private Task RegisterFinishReminderAsync() =>
        this.RegisterOrUpdateReminder(FinishReminder, options.Value.FinishReminderPeriod, options.Value.FinishReminderPeriod);

    private async Task ClearFinishReminderAsync()
    {
        if (await this.GetReminder(FinishReminder) is { } reminder)
        {
            await this.UnregisterReminder(reminder);
        }
    }

    private async Task<EpisodeRecord> RunPipelineAsync(EpisodeRequest request)
    {
        var (record, published, labelIndex) = await pipeline.RunAsync(GrainFactory, this.GetStreamProvider(StreamNames.Provider), request);
        state.State = new EpisodeState { Record = record, PendingPublish = !published };
        await state.WriteStateAsync();
        if (!published)
        {
            await SchedulePendingPublishAsync();
        }
        else
        {
            ReleaseWhenIdle();
        }

        pipeline.Completed(record, labelIndex);
        return record;
    }

    public async Task EnsurePublishedAsync()
    {
        if (state.State.PendingPublish)
        {
            await SchedulePendingPublishAsync();
        }
    }

    /// <summary>
    /// A finished episode is stored and has nothing left to do: leave memory as soon as this call returns instead of
    /// after the collection age (15 min), which at thousands of episodes a second would hold millions of activations.
    /// A replay or late feedback reactivates it from storage.
    /// </summary>
    private void ReleaseWhenIdle() => DeactivateOnIdle();

    /// <summary>The reply still goes out; a timer retries while this activation lives and a reminder after it is gone.</summary>
    private async Task SchedulePendingPublishAsync()
    {
        SchedulePublishRetry(s_publishRetryPeriod);
        await RegisterFinishReminderAsync();
    }

    private void SchedulePublishRetry(TimeSpan dueTime)
    {
        _publishRetry ??= this.RegisterGrainTimer(RetryPublishAsync, new GrainTimerCreationOptions(dueTime, s_publishRetryPeriod) { KeepAlive = true });
    }

    private async Task RetryPublishAsync(CancellationToken cancellationToken)
    {
        if (state.State.Record is not { } record || !state.State.PendingPublish)
        {
            StopRetry();
            return;
        }

        var runtime = await cache.GetAsync(record.TaskId);
        var stream = EpisodePipeline.LearningStream(this.GetStreamProvider(StreamNames.Provider), record.TaskId);
        var episodeLabel = record.Label is { } l && runtime is not null ? runtime.Definition.ClassIndex(l) : -1;
        if (!await StreamPublisher.TryPublishAsync(stream, pipeline.ToEvent(record, LearningEventKind.Episode, episodeLabel >= 0 ? episodeLabel : null), logger))
        {
            return;
        }

        if (record.FeedbackLabel is { } f && runtime is not null && runtime.Definition.ClassIndex(f) is var fi and >= 0
            && !await StreamPublisher.TryPublishAsync(stream, pipeline.ToEvent(record, LearningEventKind.Feedback, fi), logger))
        {
            return;
        }

        state.State = state.State with { PendingPublish = false, Record = record with { LearningPublished = true } };
        await state.WriteStateAsync();
        StopRetry();
        await ClearFinishReminderAsync();
    }

    private void StopRetry()
    {
        _publishRetry?.Dispose();
        _publishRetry = null;
    }

    private static bool SameRequest(EpisodeRecord existing, EpisodeRequest request) =>
        existing.TaskId == request.TaskId
        && existing.Label == request.Label
        && existing.Features.AsSpan().SequenceEqual(request.Features.AsSpan());

    [LoggerMessage(Level = LogLevel.Debug, Message = "Episode {Episode} of task {Task} labeled '{Label}' by {By}")]
    private static partial void LogFeedback(ILogger logger, string episode, string task, string label, string by);

    [LoggerMessage(Level = LogLevel.Information, Message = "Episode {Episode} of task {Task} erased by {By} (row removed from the learner: {Removed})")]
    private static partial void LogErased(ILogger logger, string episode, string task, string by, bool removed);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Queued episode {Episode} repeats an id already used for a different request; ignored")]
    private static partial void LogQueuedConflict(ILogger logger, string episode);

    [LoggerMessage(Level = LogLevel.Information, Message = "Reminder finishing queued episode {Episode} of task {Task}, left half-way by an earlier activation")]
    private static partial void LogFinishing(ILogger logger, string episode, string task);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Queued episode {Episode} failed ({Reason}): {Message}")]
    private static partial void LogQueuedFailed(ILogger logger, string episode, string reason, string message);
}
