using System.Collections.Immutable;
using System.Diagnostics;
using System.Runtime.InteropServices;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.Streams;
using Orleans.Streams.Core;
using SelfDissonance.Learning.Fits;
using SelfDissonance.Learning.Journal;
using SelfDissonance.Learning.Ml;
using SelfDissonance.Models;
using SelfDissonance.Policy;
using SelfDissonance.Runtime;
using SelfDissonance.Tasks;
using SelfDissonance.Telemetry;

namespace SelfDissonance.Learning;

/// <summary>
/// A task's learner. Consumes learnable episodes and feedback from the task's learning stream (idempotent by episode
/// id), and runs learning cycles: on minBatch new labeled rows, on a timer when data is pending, and on demand. A cycle
/// trains a proposer candidate (ground truth plus weighted pseudo-labels) and a critic candidate (ground truth only),
/// each through the KL trust region and the golden gate, and promotes winners through the registry.
/// </summary>
[ImplicitStreamSubscription(StreamNames.Learning)]
public sealed partial class LearnerGrain(
    [PersistentState("learner", StorageNames.Control)] IPersistentState<LearnerState> state,
    [PersistentState("learnerBuffer", StorageNames.Control)] IPersistentState<LearnerBufferState> buffer,
    ILearnerJournalStore journals,
    IArtifactStore store,
    ModelLoader loader,
    IFitHost fits,
    TaskRuntimeCache cache,
    IOptions<LearningOptions> options,
    TimeProvider time,
    IHostApplicationLifetime lifetime,
    ILogger<LearnerGrain> logger) : Grain, ILearnerGrain, IStreamSubscriptionObserver, IAsyncObserver<LearningEvent>
{
    /// <summary>Cross-validation folds are dealt with this seed: the same rows choose the same settings.</summary>
    private const int SelectionSeed = 7;

    /// <summary>Settings are chosen again when the labeled rows double, and only after at least this many more.</summary>
    private const int ReselectAfterRows = 32;

    private LearnerData? _data;
    private ImmutableArray<LabeledExample> _golden = [];
    private float[][] _goldenInputs = [];
    private (float[] Features, int Label)[] _goldenRows = [];
    private long _lastIngest;
    private readonly SemaphoreSlim _journalLock = new(1, 1);
    private IGrainTimer? _timer;
    private int _timerTicks;
    private ILearnerJournal? _journal;

    // Readers (a learn request catching up) need to know a cycle runs: the learner may be busy training, not stuck.
    private bool _cycleRunning;

    /// <summary>The events consumed since the last segment, as the journal holds them (oldest first).</summary>
    private List<LearningEvent> _pending = [];

    /// <summary>An append or reset failed: the journal may differ from <see cref="_pending"/> until it is rewritten whole.</summary>
    private bool _journalStale;

    /// <summary>Trace contexts of the episodes ingested since the last cycle, for the cycle span's links (bounded).</summary>
    private readonly List<ActivityLink> _trainedOn = [];
    private int _unlinked;

    private string TaskId => this.GetPrimaryKeyString();

    private LearningOptions Options => options.Value;

    private ILearnerJournal Journal => _journal ??= journals.Open(TaskId);

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        if (state.State.Bootstrapped)
        {
            await LoadDataAsync(cancellationToken);
            StartTimer();
        }
    }

    public override async Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        // A running cycle finishes its promotion before the activation goes (a stopping silo's cycle has ended already).
        await ObserveAsync(Task.WhenAll(_cycles).WaitAsync(cancellationToken));
        _journal?.Dispose();
        _journal = null;
    }

    public async Task OnSubscribed(IStreamSubscriptionHandleFactory handleFactory) =>
        await handleFactory.Create<LearningEvent>().ResumeAsync(this);

    public async Task OnNextAsync(LearningEvent item, StreamSequenceToken? token = null)
    {
        if (_data is null)
        {
            LogNotBootstrapped(logger, TaskId, item.EpisodeId);
            return;
        }

        using var activity = StartIngestActivity(item);
        var alarms = _data.DriftPoints.Count;
        var quarantined = _data.QuarantinedCount;
        var released = _data.ReleasedCount;
        if (!_data.Ingest(item))
        {
            activity?.SetTag("sd.duplicate", true);
            if (_journalStale)
            {
                // Likely the re-delivery of an event whose append failed: it is durable before this acknowledgement.
                await WithJournalAsync(RewriteJournalAsync);
            }

            return;
        }

        if (_data.QuarantinedCount > quarantined)
        {
            activity?.SetTag("sd.quarantined", true);
            SelfDissonanceMetrics.LabelsQuarantined.Add(1, new KeyValuePair<string, object?>("task", TaskId));
            LogQuarantined(logger, TaskId, item.EpisodeId, item.Label ?? -1, item.ProposerTopClass, item.ProposerConfidence, item.CriticConfidence);
        }

        if (_data.ReleasedCount > released)
        {
            SelfDissonanceMetrics.QuarantineReleased.Add(_data.ReleasedCount - released, new KeyValuePair<string, object?>("task", TaskId));
        }

        if (_data.QuarantinedCount == quarantined)
        {
            // Quarantined labels are not trained on, so the next cycle is not linked to them.
            RememberForCycle(activity);
        }

        await AppendToJournalAsync(item);
        if (_pending.Count >= Options.SegmentSize)
        {
            await TryFlushSegmentAsync();
        }

        _lastIngest = time.GetTimestamp();
        var policy = await PolicyAsync();
        var mark = _proposerMark < 0 ? state.State.ProposerLabeledAtLastTrain : _proposerMark;
        if (_data.DriftPoints.Count > alarms)
        {
            await OnDriftAsync(policy);
        }
        else if (_data.LabeledCount - mark >= policy.MinBatch && _cycles.Count < MaxQueuedCycles)
        {
            // With the queue full the rows stay pending: the first delivery after one finishes, or the timer, takes
            // them. A delivery never waits for a cycle, because a stream agent waiting on this learner can hold the
            // stop of another silo past its budget.
            _ = EnqueueCycle("min_batch", policy);
        }
    }

    /// <summary>
    /// The proposer's error on labeled episodes rose: the rows before now weigh less (LearnerData), the
    /// out-of-distribution statistics move to the recent traffic, users see a drift event, and a cycle starts.
    /// </summary>
    private async Task OnDriftAsync(TaskPolicy policy)
    {
        var data = _data!;
        var notice = new DriftNotice(data.LabeledCount, data.DriftPoints.Count, Options.PreDriftWeight);
        LogDrift(logger, TaskId, notice.Alarms, notice.LabeledRows);
        SelfDissonanceMetrics.DriftAlarms.Add(1, new KeyValuePair<string, object?>("task", TaskId));
        if (_cycles.Count < MaxQueuedCycles)
        {
            _ = EnqueueCycle("drift", policy);
        }

        await GrainFactory.GetGrain<ITaskGrain>(TaskId).UpdateStatisticsAsync(data.Statistics());
        await TaskEvents.PublishAsync(this, TaskId, new TaskEventItem(TaskEventNames.Drift, time.GetUtcNow(), Drift: notice), logger);
    }

    public Task OnCompletedAsync() => Task.CompletedTask;

    public Task OnErrorAsync(Exception ex) => Task.CompletedTask;

    public async Task<BootstrapResult> BootstrapAsync(TaskDefinition definition, BootstrapCommand command)
    {
        if (state.State.Bootstrapped)
        {
            throw DomainException.Conflict(ReasonCodes.AlreadyBootstrapped, "The task is already bootstrapped.");
        }

        var clock = Stopwatch.StartNew();
        var shape = new ModelShape(definition.FeatureCount, definition.ClassCount);
        var rows = command.Training.Select(r => new TrainingRow(AsArray(r.Features), r.Label, RowWeights.Labeled)).ToList();
        var goldenRef = await store.PutAsync(ArtifactKeys.Golden(TaskId, Sha(DatasetSegment.GoldenToJson(command.Golden))), DatasetSegment.GoldenToJson(command.Golden));
        var segmentBytes = new DatasetSegment(DatasetSegment.CurrentFormat, command.Training, []).ToJson();
        var segmentRef = await store.PutAsync(ArtifactKeys.Segment(TaskId, Sha(segmentBytes)), segmentBytes);

        TrainedModel proposer, critic;
        FamilyChoice choice;
        try
        {
            (choice, proposer, critic) = await LearningThread.RunAsync(() =>
            {
                var c = fits.Select(shape, rows, SelectionSeed);
                return (c, fits.Trainer(c.Proposer).Fit(shape, rows), fits.Trainer(c.Critic).Fit(shape, rows));
            });
        }
        catch (SingleClassException e)
        {
            throw DomainException.BadRequest(ReasonCodes.InvalidBootstrap, "The bootstrap data is invalid.", e.Message);
        }

        var golden = command.Golden;
        var (proposerAccuracy, criticAccuracy) = await Task.Run(() => (GoldenEvaluator.Accuracy(proposer.Predictor, golden), GoldenEvaluator.Accuracy(critic.Predictor, golden)));
        var proposerInfo = await RegisterAsync(ModelRole.Proposer, proposer, new ModelLineage(null, proposer.Trainer, rows.Count, 0, 0, null, proposerAccuracy, 0, CvAccuracy: choice.ScoreOf(choice.Proposer), CvScores: choice.Scores), command.RequestedBy, "bootstrap");
        var criticInfo = await RegisterAsync(ModelRole.Critic, critic, new ModelLineage(null, critic.Trainer, rows.Count, 0, 0, null, criticAccuracy, 0, CvAccuracy: choice.ScoreOf(choice.Critic), CvScores: choice.Scores), command.RequestedBy, "bootstrap");

        state.State = new LearnerState
        {
            Bootstrapped = true,
            Definition = definition,
            Golden = goldenRef,
            Segments = [segmentRef],
            ProposerLabeledAtLastTrain = rows.Count,
            CriticLabeledAtLastTrain = rows.Count,
            ProposerTrainer = choice.Proposer.Name,
            CriticTrainer = choice.Critic.Name,
            LabeledAtSelection = rows.Count,
        };
        await state.WriteStateAsync();
        SetGolden(golden);
        _data = NewData();
        _data.AddBootstrap(command.Training);
        StartTimer();
        return new BootstrapResult(proposerInfo, criticInfo, rows.Count, golden.Length, clock.Elapsed);
    }

    public async Task<LearningCycleResult> LearnNowAsync(string requestedBy)
    {
        if (_data is null)
        {
            throw DomainException.NotBootstrapped(TaskId);
        }

        var policy = await PolicyAsync();
        return await EnqueueCycle("api", policy);
    }

    public Task<LearnerStatus> GetStatusAsync()
    {
        var data = _data;
        var dTarget = cache.Peek(TaskId)?.Policy.Policy.DTarget ?? TaskPolicy.Default.DTarget;
        return Task.FromResult(new LearnerStatus(
            data?.LabeledCount ?? 0,
            data?.PseudoCount ?? 0,
            data is null ? 0 : data.LabeledCount - state.State.ProposerLabeledAtLastTrain,
            data?.PseudoSinceCycle(dTarget) ?? 0,
            data?.Sequence ?? 0,
            data?.Duplicates ?? 0,
            state.State.Cycle,
            state.State.RecentCycles.ToImmutableArray(),
            data?.QuarantinedCount ?? 0,
            data?.ReleasedCount ?? 0,
            state.State.Erased.Count,
            _cycleRunning,
            data?.DriftPoints.Count ?? 0));
    }

    public async Task<bool> EraseAsync(string episodeId)
    {
        var found = _data?.Erase(episodeId) ?? false;
        var inBuffer = false;
        await WithJournalAsync(async () =>
        {
            inBuffer = _pending.RemoveAll(e => e.EpisodeId == episodeId) > 0;
            if (inBuffer)
            {
                await RewriteJournalAsync();
            }
        });

        // Write-once segments holding the episode are rewritten without it; the old ones are deleted once no state points to them.
        var segments = state.State.Segments;
        var replaced = new List<ArtifactRef>();
        for (var i = 0; i < segments.Count; i++)
        {
            var segment = DatasetSegment.FromJson(await store.GetVerifiedAsync(segments[i]));
            if (!segment.Events.Any(e => e.EpisodeId == episodeId))
            {
                continue;
            }

            found = true;
            replaced.Add(segments[i]);
            var kept = segment with { Events = segment.Events.RemoveAll(e => e.EpisodeId == episodeId) };
            if (kept.Events.IsEmpty && kept.Bootstrap.IsDefaultOrEmpty)
            {
                segments = segments.RemoveAt(i--);
                continue;
            }

            var bytes = kept.ToJson();
            segments = segments.SetItem(i, await store.PutAsync(ArtifactKeys.Segment(TaskId, Sha(bytes)), bytes));
        }

        var labeled = _data?.LabeledCount ?? 0;
        _erasedSinceSnapshot |= found || inBuffer;
        _proposerMark = Math.Min(_proposerMark, labeled);
        _criticMark = Math.Min(_criticMark, labeled);
        await WriteStateAsync(s => s with
        {
            Segments = segments,
            Erased = s.Erased.Add(episodeId),
            ErasurePending = s.ErasurePending || found || inBuffer,
            ProposerLabeledAtLastTrain = Math.Min(s.ProposerLabeledAtLastTrain, labeled),
            CriticLabeledAtLastTrain = Math.Min(s.CriticLabeledAtLastTrain, labeled),
        });
        foreach (var old in replaced.Where(r => !segments.Any(s => s.Key == r.Key)))
        {
            await store.DeleteAsync(old.Key);
        }

        LogErased(logger, TaskId, episodeId, found || inBuffer, replaced.Count);
        return found || inBuffer;
    }

    public async Task<int> ReleaseQuarantineAsync(string by)
    {
        if (_data is null)
        {
            throw DomainException.NotBootstrapped(TaskId);
        }

        var ids = _data.ReleaseAll();
        if (ids.Count > 0)
        {
            await WriteStateAsync(s => s with { QuarantineReleased = s.QuarantineReleased.Union(ids) });
            SelfDissonanceMetrics.QuarantineReleased.Add(ids.Count, new KeyValuePair<string, object?>("task", TaskId));
        }

        LogReleased(logger, TaskId, ids.Count, by);
        return ids.Count;
    }

    public Task<ImmutableArray<string>> GetQuarantinedAsync() => Task.FromResult(_data?.QuarantinedIds.ToImmutableArray() ?? []);

    public Task<int> GetConsumedCountAsync(string episodeId) => Task.FromResult(_data?.ConsumedCount(episodeId) ?? 0);

    /// <summary>A child of the episode's span when the event carries one: the episode's trace continues across the stream.</summary>
    private Activity? StartIngestActivity(LearningEvent item)
    {
        if (item.TraceParent is null || !ActivityContext.TryParse(item.TraceParent, null, isRemote: true, out var parent))
        {
            return null;
        }

        var activity = SelfDissonanceMetrics.ActivitySource.StartActivity("learner ingest", ActivityKind.Consumer, parent);
        activity?.SetTag("sd.task", TaskId);
        activity?.SetTag("sd.episode", item.EpisodeId);
        activity?.SetTag("sd.learning.kind", item.Kind.ToString());
        return activity;
    }

    private void RememberForCycle(Activity? ingest)
    {
        if (ingest is null)
        {
            return;
        }

        if (_trainedOn.Count < Options.CycleTraceLinks)
        {
            _trainedOn.Add(new ActivityLink(ingest.Context));
        }
        else
        {
            _unlinked++;
        }
    }

    /// <summary>
    /// A cycle is its own trace (it serves many episodes' traces, not the one that happened to trigger it) with a link to
    /// each episode it trained on, up to <see cref="LearningOptions.CycleTraceLinks"/>.
    /// </summary>
    private Activity? StartCycleActivity()
    {
        var caller = Activity.Current;
        Activity.Current = null;
        try
        {
            var activity = SelfDissonanceMetrics.ActivitySource.StartActivity("learning cycle", ActivityKind.Internal, default(ActivityContext), links: [.. _trainedOn]);
            activity?.SetTag("sd.cycle.linked_episodes", _trainedOn.Count);
            activity?.SetTag("sd.cycle.unlinked_episodes", _unlinked);
            _trainedOn.Clear();
            _unlinked = 0;
            return activity;
        }
        finally
        {
            if (Activity.Current is null)
            {
                Activity.Current = caller;
            }
        }
    }

    private async Task<ModelVersionInfo> RegisterAsync(ModelRole role, TrainedModel model, ModelLineage lineage, string by, string reason)
    {
        var bytes = await LearningThread.RunAsync(model.ToBytes, lifetime.ApplicationStopping);
        var artifact = await store.PutAsync(ArtifactKeys.Model(TaskId, role, Sha(bytes)), bytes);
        return await GrainFactory.GetGrain<IModelRegistryGrain>(ModelRoles.RegistryKey(TaskId, role)).RegisterAndPromoteAsync(new RegisterCandidate(artifact, lineage, by, reason));
    }

    /// <summary>
    /// The journal and <see cref="_pending"/> change one operation at a time: a cycle's flush runs beside stream
    /// deliveries' appends, and an append between a flush's segment write and its journal reset must not be lost.
    /// </summary>
    private async Task WithJournalAsync(Func<Task> operation)
    {
        await _journalLock.WaitAsync();
        try
        {
            await operation();
        }
        finally
        {
            _journalLock.Release();
        }
    }

    private Task TryFlushSegmentAsync() => WithJournalAsync(FlushSegmentAsync);

    private async Task FlushSegmentAsync()
    {
        if (_pending.Count == 0)
        {
            return;
        }

        try
        {
            var flushed = _pending.Count;
            var bytes = new DatasetSegment(DatasetSegment.CurrentFormat, [], [.. _pending]).ToJson();
            var segment = await store.PutAsync(ArtifactKeys.Segment(TaskId, Sha(bytes)), bytes);
            await WriteStateAsync(s => s with { Segments = s.Segments.Add(segment), DuplicatesIgnored = _data?.Duplicates ?? s.DuplicatesIgnored });
            _pending.RemoveRange(0, flushed);
            await RewriteJournalAsync();
        }
        catch (Exception e) when (e is IOException or TimeoutException or UnauthorizedAccessException)
        {
            // Before the segment is recorded the events stay in the journal and the next flush writes them; after it, a
            // journal not yet reset is rewritten by the next append (and on reload its repeats are dropped by ingestion).
            LogSegmentFailed(logger, e, TaskId, _pending.Count);
        }
    }

    /// <summary>Durable before it returns: the caller acknowledges the event only then.</summary>
    private Task AppendToJournalAsync(LearningEvent item) => WithJournalAsync(async () =>
    {
        _pending.Add(item);
        if (_journalStale)
        {
            await RewriteJournalAsync();
            return;
        }

        try
        {
            await Journal.AppendAsync(item);
        }
        catch
        {
            // The event is ingested already, so its re-delivery is a duplicate and is not appended again: the journal
            // is rewritten whole from memory then (or on the next append, flush or erasure).
            _journalStale = true;
            throw;
        }
    });

    private async Task RewriteJournalAsync()
    {
        _journalStale = true;
        await Journal.ResetAsync(_pending);
        _journalStale = false;
    }

    /// <summary>
    /// The journal's events, after moving in any events an older version buffered in grain state (rewritten whole on
    /// every event). A crash mid-move leaves them in both; they are taken once.
    /// </summary>
    private async Task<List<LearningEvent>> ReadJournalAsync(CancellationToken cancellationToken)
    {
        var journaled = await Journal.ReadAllAsync(cancellationToken);
        if (buffer.State.Events.IsEmpty)
        {
            return [.. journaled];
        }

        var events = buffer.State.Events.ToList();
        var seen = events.Select(e => (e.Kind, e.EpisodeId)).ToHashSet();
        events.AddRange(journaled.Where(e => seen.Add((e.Kind, e.EpisodeId))));
        await Journal.ResetAsync(events, cancellationToken);
        await buffer.ClearStateAsync();
        LogBufferMigrated(logger, TaskId, events.Count);
        return events;
    }

    private async Task LoadDataAsync(CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        SetGolden(DatasetSegment.GoldenFromJson(await store.GetVerifiedAsync(state.State.Golden!, cancellationToken)));
        var data = NewData();
        data.SetCycleMark(state.State.LastCycleSequence);
        var segmentIds = new HashSet<string>(StringComparer.Ordinal);
        foreach (var reference in state.State.Segments)
        {
            var segment = DatasetSegment.FromJson(await store.GetVerifiedAsync(reference, cancellationToken));
            if (!segment.Bootstrap.IsDefaultOrEmpty)
            {
                data.AddBootstrap(segment.Bootstrap);
            }

            foreach (var e in segment.Events)
            {
                data.Ingest(e);
            }
        }

        // A crash between writing a segment and resetting the journal leaves events in both; ingestion drops the repeats.
        _pending = await ReadJournalAsync(cancellationToken);
        foreach (var e in _pending)
        {
            data.Ingest(e);
        }

        _data = data;
        LogLoaded(logger, TaskId, data.LabeledCount, data.PseudoCount, state.State.Segments.Count, clock.Elapsed.TotalMilliseconds);
    }

    private void SetGolden(ImmutableArray<LabeledExample> golden)
    {
        _golden = golden;
        _goldenInputs = [.. golden.Select(g => AsArray(g.Features))];
        _goldenRows = [.. golden.Select(g => (AsArray(g.Features), g.Label))];
    }

    private LearnerData NewData() => new(
        Options.RecentInputs,
        Options.MaxPseudoCandidates,
        Options.LabelGuardConfidence,
        state.State.QuarantineReleased,
        state.State.Erased,
        Options.DriftThreshold > 0 ? new PageHinkley(Options.DriftTolerance, Options.DriftThreshold, Options.DriftMinLabels) : null,
        Options.PreDriftWeight);

    private void StartTimer() =>
        _timer ??= this.RegisterGrainTimer(OnTimerAsync, new GrainTimerCreationOptions(Options.CycleInterval, Options.CycleInterval) { KeepAlive = true });

    /// <summary>
    /// Trains what is pending once traffic has been quiet for an interval (or every four intervals under steady traffic
    /// below minBatch), so timer cycles do not land at arbitrary points of a stream that min_batch cycles already follow.
    /// </summary>
    private async Task OnTimerAsync(CancellationToken cancellationToken)
    {
        _timerTicks++;
        if (_data is null || _cycles.Count > 0)
        {
            return;
        }

        var quiet = time.GetElapsedTime(_lastIngest) >= Options.CycleInterval;
        if (!quiet && _timerTicks < 4)
        {
            return;
        }

        var policy = await PolicyAsync();
        if (HasPending(policy))
        {
            _timerTicks = 0;
            _ = EnqueueCycle("timer", policy);
        }
    }

    private async Task<TaskPolicy> PolicyAsync() =>
        (await cache.GetAsync(TaskId))?.Policy.Policy ?? (await GrainFactory.GetGrain<IMetaControllerGrain>(TaskId).GetPolicyAsync()).Policy;

    private static float[] AsArray(ImmutableArray<float> features) => ImmutableCollectionsMarshal.AsArray(features) ?? [];

    private static string Sha(byte[] bytes) => TrainedModel.Sha256Hex(bytes);

    [LoggerMessage(Level = LogLevel.Information, Message = "Task {Task}: label {Label} of episode {Episode} quarantined: proposer says {Proposer} ({ProposerConfidence:P0}), critic ({CriticConfidence:P0}) agrees against it")]
    private static partial void LogQuarantined(ILogger logger, string task, string episode, int label, int proposer, double proposerConfidence, double criticConfidence);

    [LoggerMessage(Level = LogLevel.Information, Message = "Task {Task}: episode {Episode} erased from the learner (held a row: {Found}, segments rewritten: {Segments})")]
    private static partial void LogErased(ILogger logger, string task, string episode, bool found, int segments);

    [LoggerMessage(Level = LogLevel.Information, Message = "Task {Task}: {Count} quarantined labels released into training by {By}")]
    private static partial void LogReleased(ILogger logger, string task, int count, string by);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Task {Task}: learning event for episode {Episode} arrived before bootstrap; ignored")]
    private static partial void LogNotBootstrapped(ILogger logger, string task, string episode);

    [LoggerMessage(Level = LogLevel.Information, Message = "Task {Task} learning cycle {Cycle} ({Trigger}): {Outcome} [{Reasons}] proposer {Trainer} golden {Golden:P2}, KL {Kl:F4}, step {Step:0.###}, {Milliseconds:F0} ms")]
    private static partial void LogCycle(ILogger logger, string task, long cycle, string trigger, string outcome, string reasons, double? golden, double? kl, double? step, string trainer, double milliseconds);

    [LoggerMessage(Level = LogLevel.Information, Message = "Task {Task}: drift alarm {Alarms} at {Labeled} labeled rows (the proposer's error rose): earlier rows weigh less, statistics follow recent traffic, a cycle starts")]
    private static partial void LogDrift(ILogger logger, string task, int alarms, int labeled);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Task {Task}: a learning cycle ({Trigger}) failed; its rows stay pending for the next one")]
    private static partial void LogCycleFailed(ILogger logger, Exception exception, string task, string trigger);

    [LoggerMessage(Level = LogLevel.Information, Message = "Task {Task}: model settings chosen by cross-validation: proposer {Proposer} ({ProposerScore:P1}), critic {Critic} ({CriticScore:P1}) on {Rows} rows, {Folds} folds, {Milliseconds:F0} ms")]
    private static partial void LogSelected(ILogger logger, string task, string proposer, double? proposerScore, string critic, double? criticScore, int rows, int folds, double milliseconds);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Task {Task}: choosing the model settings again on {Rows} labeled rows failed; the settings chosen before stay")]
    private static partial void LogSelectionFailed(ILogger logger, Exception exception, string task, int rows);

    [LoggerMessage(Level = LogLevel.Information, Message = "Task {Task} learning cycle {Cycle} ({Trigger}) stopped between fits: the silo is shutting down; its rows stay pending for the next activation")]
    private static partial void LogCycleStopped(ILogger logger, string task, long cycle, string trigger);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Task {Task}: promoting the {Role} candidate failed (artifact store or registry unavailable); the rows stay pending for the next cycle")]
    private static partial void LogPromotionFailed(ILogger logger, Exception exception, string task, string role);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Task {Task}: writing a dataset segment of {Events} events failed; they stay buffered")]
    private static partial void LogSegmentFailed(ILogger logger, Exception exception, string task, int events);

    [LoggerMessage(Level = LogLevel.Information, Message = "Task {Task}: {Events} buffered learning events moved from grain state into the learner journal")]
    private static partial void LogBufferMigrated(ILogger logger, string task, int events);

    [LoggerMessage(Level = LogLevel.Information, Message = "Task {Task}: learner loaded {Labeled} labeled rows and {Pseudo} unlabeled episodes from {Segments} segments in {Milliseconds:F0} ms")]
    private static partial void LogLoaded(ILogger logger, string task, int labeled, int pseudo, int segments, double milliseconds);
}
