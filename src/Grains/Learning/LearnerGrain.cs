using System.Collections.Immutable;
using System.Diagnostics;
using System.Runtime.InteropServices;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.Streams;
using Orleans.Streams.Core;
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
    TaskRuntimeCache cache,
    IOptions<LearningOptions> options,
    TimeProvider time,
    IHostApplicationLifetime lifetime,
    ILogger<LearnerGrain> logger) : Grain, ILearnerGrain, IStreamSubscriptionObserver, IAsyncObserver<LearningEvent>
{
    private static readonly IReadOnlyList<double> s_criticGrid = [1, 4, 16];
    private readonly LightGbmProposerTrainer _proposerTrainer = new();
    private readonly RandomForestCriticTrainer _criticTrainer = new();
    private LearnerData? _data;
    private ImmutableArray<LabeledExample> _golden = [];
    private float[][] _goldenInputs = [];
    private IGrainTimer? _timer;
    private ILearnerJournal? _journal;

    // A cycle holds the grain, so stream events wait behind it; readers (a learn request catching up) need to know.
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

    public override Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        _journal?.Dispose();
        _journal = null;
        return Task.CompletedTask;
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
        var quarantined = _data.QuarantinedCount;
        var released = _data.ReleasedCount;
        if (!_data.Ingest(item))
        {
            activity?.SetTag("sd.duplicate", true);
            if (_journalStale)
            {
                // Likely the re-delivery of an event whose append failed: it is durable before this acknowledgement.
                await RewriteJournalAsync();
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

        var policy = await PolicyAsync();
        if (_data.LabeledCount - state.State.ProposerLabeledAtLastTrain >= policy.MinBatch)
        {
            await RunCycleAsync("min_batch");
        }
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
        try
        {
            (proposer, critic) = await Task.Run(() => (_proposerTrainer.Fit(shape, rows), _criticTrainer.Fit(shape, rows)));
        }
        catch (SingleClassException e)
        {
            throw DomainException.BadRequest(ReasonCodes.InvalidBootstrap, "The bootstrap data is invalid.", e.Message);
        }

        var golden = command.Golden;
        var (proposerAccuracy, criticAccuracy) = await Task.Run(() => (GoldenEvaluator.Accuracy(proposer.Predictor, golden), GoldenEvaluator.Accuracy(critic.Predictor, golden)));
        var proposerInfo = await RegisterAsync(ModelRole.Proposer, proposer, Lineage(null, proposer, rows.Count, 0, null, proposerAccuracy, 0), command.RequestedBy, "bootstrap");
        var criticInfo = await RegisterAsync(ModelRole.Critic, critic, Lineage(null, critic, rows.Count, 0, null, criticAccuracy, 0), command.RequestedBy, "bootstrap");

        state.State = new LearnerState
        {
            Bootstrapped = true,
            Definition = definition,
            Golden = goldenRef,
            Segments = [segmentRef],
            ProposerLabeledAtLastTrain = rows.Count,
            CriticLabeledAtLastTrain = rows.Count,
        };
        await state.WriteStateAsync();
        SetGolden(golden);
        _data = NewData();
        _data.AddBootstrap(command.Training);
        StartTimer();
        return new BootstrapResult(proposerInfo, criticInfo, rows.Count, golden.Length, clock.Elapsed);
    }

    public Task<LearningCycleResult> LearnNowAsync(string requestedBy)
    {
        if (_data is null)
        {
            throw DomainException.NotBootstrapped(TaskId);
        }

        return RunCycleAsync("api");
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
            _cycleRunning));
    }

    public async Task<bool> EraseAsync(string episodeId)
    {
        var found = _data?.Erase(episodeId) ?? false;
        var inBuffer = _pending.RemoveAll(e => e.EpisodeId == episodeId) > 0;
        if (inBuffer)
        {
            await RewriteJournalAsync();
        }

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
        state.State = state.State with
        {
            Segments = segments,
            Erased = state.State.Erased.Add(episodeId),
            ErasurePending = state.State.ErasurePending || found || inBuffer,
            ProposerLabeledAtLastTrain = Math.Min(state.State.ProposerLabeledAtLastTrain, labeled),
            CriticLabeledAtLastTrain = Math.Min(state.State.CriticLabeledAtLastTrain, labeled),
        };
        await state.WriteStateAsync();
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
            state.State = state.State with { QuarantineReleased = state.State.QuarantineReleased.Union(ids) };
            await state.WriteStateAsync();
            SelfDissonanceMetrics.QuarantineReleased.Add(ids.Count, new KeyValuePair<string, object?>("task", TaskId));
        }

        LogReleased(logger, TaskId, ids.Count, by);
        return ids.Count;
    }

    public Task<ImmutableArray<string>> GetQuarantinedAsync() => Task.FromResult(_data?.QuarantinedIds.ToImmutableArray() ?? []);

    public Task<int> GetConsumedCountAsync(string episodeId) => Task.FromResult(_data?.ConsumedCount(episodeId) ?? 0);

    private async Task<LearningCycleResult> RunCycleAsync(string trigger)
    {
        _cycleRunning = true;
        try
        {
            return await RunCycleCoreAsync(trigger);
        }
        catch (OperationCanceledException) when (lifetime.ApplicationStopping.IsCancellationRequested)
        {
            LogCycleStopped(logger, TaskId, state.State.Cycle + 1, trigger);
            throw;
        }
        finally
        {
            _cycleRunning = false;
        }
    }

    private async Task<LearningCycleResult> RunCycleCoreAsync(string trigger)
    {
        var data = _data!;
        var definition = state.State.Definition!;
        var started = time.GetUtcNow();
        var clock = Stopwatch.StartNew();
        var cycle = state.State.Cycle + 1;
        var meta = GrainFactory.GetGrain<IMetaControllerGrain>(TaskId);
        var policy = (await meta.GetPolicyAsync()).Policy;
        var shape = new ModelShape(definition.FeatureCount, definition.ClassCount);

        // The rows this cycle trains on are the ones counted now; anything ingested while it runs waits for the next one.
        var labeledAtStart = data.LabeledCount;
        var newLabeled = labeledAtStart - state.State.ProposerLabeledAtLastTrain;
        var newPseudo = policy.Lambda > 0 ? data.PseudoSinceCycle(policy.DTarget) : 0;
        var erased = state.State.ErasurePending;
        var trainProposer = newLabeled > 0 || newPseudo > 0 || state.State.ProposerCatchUp > 0 || erased;
        var trainCritic = data.LabeledCount - state.State.CriticLabeledAtLastTrain > 0 || state.State.CriticCatchUp > 0 || erased;

        CandidateReport? proposerReport = null, criticReport = null;
        var nextState = state.State;
        using (var activity = StartCycleActivity())
        {
            activity?.SetTag("sd.task", TaskId);
            activity?.SetTag("sd.cycle", cycle);
            activity?.SetTag("sd.trigger", trigger);
            activity?.SetTag("sd.cycle.new_labeled", newLabeled);
            // The two candidates are independent: each trains on a thread of its own, so the cycle takes the longer of the two.
            var pseudoRows = 0;
            var proposerTraining = trainProposer
                ? TrainCandidateAsync(ModelRole.Proposer, _proposerTrainer, TrustRegionSearch.DefaultGrid, shape, data.ProposerRows(policy.Lambda, policy.DTarget, out pseudoRows), labeledAtStart, pseudoRows, policy, cycle, trigger)
                : null;
            var criticTraining = trainCritic
                ? TrainCandidateAsync(ModelRole.Critic, _criticTrainer, s_criticGrid, shape, data.CriticRows(), labeledAtStart, 0, policy, cycle, trigger)
                : null;
            // Both finish (and a failure of either is observed) before the cycle goes on or fails.
            await Task.WhenAll(new[] { proposerTraining, criticTraining }.OfType<Task>());
            if (proposerTraining is not null)
            {
                proposerReport = await proposerTraining;
                nextState = nextState with
                {
                    ProposerLabeledAtLastTrain = proposerReport.Reasons.Contains(RejectionReasons.StoreUnavailable) ? nextState.ProposerLabeledAtLastTrain : labeledAtStart,
                    ProposerCatchUp = NextCatchUp(proposerReport, nextState.ProposerCatchUp, newLabeled > 0 || newPseudo > 0),
                };
            }

            if (criticTraining is not null)
            {
                criticReport = await criticTraining;
                nextState = nextState with
                {
                    CriticLabeledAtLastTrain = criticReport.Reasons.Contains(RejectionReasons.StoreUnavailable) ? nextState.CriticLabeledAtLastTrain : labeledAtStart,
                    CriticCatchUp = NextCatchUp(criticReport, nextState.CriticCatchUp, labeledAtStart > state.State.CriticLabeledAtLastTrain),
                };
            }
        }

        LambdaUpdate? lambda = null;
        if (data.EpisodesSinceCycle > 0)
        {
            lambda = await meta.CompleteCycleAsync(data.DissonanceSumSinceCycle / data.EpisodesSinceCycle, data.EpisodesSinceCycle);
        }

        var reports = new[] { proposerReport, criticReport }.Where(r => r is not null).Select(r => r!).ToList();
        var outcome = reports.Any(r => r.Outcome is LearningOutcomes.Promoted or LearningOutcomes.Canary) ? LearningOutcomes.Promoted
            : reports.Any(r => r.Outcome == LearningOutcomes.Rejected) ? LearningOutcomes.Rejected
            : LearningOutcomes.NothingToLearn;
        var reasons = reports.SelectMany(r => r.Reasons).Distinct().ToImmutableArray();
        var result = new LearningCycleResult(cycle, outcome, reasons, proposerReport, criticReport, lambda, trigger, started, clock.Elapsed, newLabeled, newPseudo);

        data.MarkCycle();
        var keep = outcome != LearningOutcomes.NothingToLearn || trigger == "api";
        var history = keep ? nextState.RecentCycles.Add(result) : nextState.RecentCycles;
        if (history.Count > Options.CycleHistory)
        {
            history = history.RemoveRange(0, history.Count - Options.CycleHistory);
        }

        state.State = nextState with
        {
            // Retrained once without the erased rows; the registries show whether that reached production.
            ErasurePending = false,
            Cycle = keep ? cycle : state.State.Cycle,
            LastCycleSequence = data.Sequence,
            RecentCycles = history,
            DuplicatesIgnored = data.Duplicates,
        };
        await state.WriteStateAsync();
        await TryFlushSegmentAsync();

        if (newLabeled > 0 && outcome == LearningOutcomes.Promoted)
        {
            await GrainFactory.GetGrain<ITaskGrain>(TaskId).UpdateStatisticsAsync(data.Statistics());
        }

        SelfDissonanceMetrics.LearningCycles.Add(1, new KeyValuePair<string, object?>("task", TaskId), new KeyValuePair<string, object?>("outcome", outcome));
        SelfDissonanceMetrics.LearningCycleDuration.Record(clock.Elapsed.TotalSeconds, new KeyValuePair<string, object?>("task", TaskId));
        if (keep)
        {
            LogCycle(logger, TaskId, cycle, trigger, outcome, string.Join(",", reasons), proposerReport?.GoldenAccuracy, proposerReport?.KlFromProduction, clock.Elapsed.TotalMilliseconds);
            await TaskEvents.PublishAsync(this, TaskId, new TaskEventItem(TaskEventNames.Cycle, started + clock.Elapsed, Cycle: result), logger);
        }

        return result;
    }

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

    private async Task<CandidateReport> TrainCandidateAsync(
        ModelRole role,
        IModelTrainer trainer,
        IReadOnlyList<double> grid,
        ModelShape shape,
        List<TrainingRow> rows,
        int labeledRows,
        int pseudoRows,
        TaskPolicy policy,
        long cycle,
        string trigger)
    {
        var clock = Stopwatch.StartNew();
        var serving = await GrainFactory.GetGrain<IModelRegistryGrain>(ModelRoles.RegistryKey(TaskId, role)).GetServingAsync();
        var production = serving.Production is { } info ? await loader.LoadAsync(info, shape) : null;
        var reference = _goldenInputs.Concat(_data!.Recent).ToList();
        var anchors = AnchorInputs();

        TrustRegionOutcome search;
        double goldenAccuracy, productionAccuracy;
        try
        {
            (search, goldenAccuracy, productionAccuracy) = await LearningThread.RunAsync(() =>
            {
                // A stopping silo waits for the grain's running call before it deactivates it: the search ends at the
                // next fit instead of running its whole grid (tens of seconds on a busy node). The events are in the
                // journal, so the next activation's cycle trains on them.
                var s = new TrustRegionSearch(grid).Run(trainer, shape, rows, production?.Predictor, reference, anchors, policy.KlEps, lifetime.ApplicationStopping);
                return (s, GoldenEvaluator.Accuracy(s.Model.Predictor, _golden), production is null ? 0 : GoldenEvaluator.Accuracy(production.Predictor, _golden));
            }, lifetime.ApplicationStopping);
        }
        catch (SingleClassException)
        {
            return Report(RejectionReasons.SingleClass, null, 0, null, null);
        }

        var reasons = ImmutableArray.CreateBuilder<string>();
        if (!search.WithinBound)
        {
            reasons.Add(RejectionReasons.KlTrustRegion);
        }
        else if (production is not null && goldenAccuracy < productionAccuracy - policy.GoldenTolerance)
        {
            reasons.Add(RejectionReasons.GoldenRegression);
        }

        if (reasons.Count > 0)
        {
            return Report(null, null, goldenAccuracy, search, production is null ? null : productionAccuracy, reasons.ToImmutable());
        }

        try
        {
            var lineage = Lineage(production?.Version, search.Model, labeledRows, pseudoRows, search, goldenAccuracy, cycle) with { Lambda = role == ModelRole.Proposer ? policy.Lambda : 0 };
            var why = $"learning cycle {cycle} ({trigger}): golden {goldenAccuracy:P2} vs {productionAccuracy:P2}, KL {search.Kl:F4} <= {policy.KlEps}";
            var registered = await RegisterAsync(role, search.Model, lineage, "learner", why);
            var outcome = registered.Stage == ModelStage.Canary ? LearningOutcomes.Canary : LearningOutcomes.Promoted;
            return Report(null, registered.Version, goldenAccuracy, search, production is null ? null : productionAccuracy, [], outcome);
        }
        catch (Exception e) when (e is IOException or ArtifactConflictException or TimeoutException or OrleansException or UnauthorizedAccessException)
        {
            LogPromotionFailed(logger, e, TaskId, role.ToWire());
            return Report(null, null, goldenAccuracy, search, production is null ? null : productionAccuracy, [RejectionReasons.StoreUnavailable]);
        }

        CandidateReport Report(string? reason, int? version, double golden, TrustRegionOutcome? s, double? productionGolden, ImmutableArray<string> reasonList = default, string? outcome = null) => new(
            role,
            outcome ?? LearningOutcomes.Rejected,
            reason is not null ? [reason] : reasonList.IsDefault ? [] : reasonList,
            version,
            production?.Version,
            golden,
            productionGolden,
            s?.Kl,
            s?.AnchorWeight ?? 0,
            labeledRows,
            pseudoRows,
            s?.AnchorRows ?? 0,
            s?.Fits ?? 0,
            clock.Elapsed,
            s?.Steps ?? []);
    }

    /// <summary>A promotion limited by the trust region may be followed by further steps toward the plain fit, a bounded number of times.</summary>
    private int NextCatchUp(CandidateReport report, int current, bool hadNewData)
    {
        if (report.Outcome is not (LearningOutcomes.Promoted or LearningOutcomes.Canary) || report.AnchorWeight <= 0)
        {
            return 0;
        }

        return hadNewData ? Options.MaxCatchUpSteps : Math.Max(0, current - 1);
    }

    /// <summary>Inputs the old model labels for anchoring: recent inputs plus an even sample of the labeled rows. Golden inputs are never trained on.</summary>
    private List<float[]> AnchorInputs()
    {
        var recent = _data!.Recent.ToList();
        var budget = Math.Max(0, Options.MaxAnchorInputs - recent.Count);
        var labeled = _data.Labeled;
        var step = labeled.Count <= budget ? 1 : (double)labeled.Count / budget;
        var result = new List<float[]>(Math.Min(labeled.Count, budget) + recent.Count);
        for (var i = 0.0; i < labeled.Count && result.Count < budget; i += step)
        {
            result.Add(labeled[(int)i].Features);
        }

        result.AddRange(recent);
        return result;
    }

    private async Task<ModelVersionInfo> RegisterAsync(ModelRole role, TrainedModel model, ModelLineage lineage, string by, string reason)
    {
        var bytes = await LearningThread.RunAsync(model.ToBytes, lifetime.ApplicationStopping);
        var artifact = await store.PutAsync(ArtifactKeys.Model(TaskId, role, Sha(bytes)), bytes);
        return await GrainFactory.GetGrain<IModelRegistryGrain>(ModelRoles.RegistryKey(TaskId, role)).RegisterAndPromoteAsync(new RegisterCandidate(artifact, lineage, by, reason));
    }

    private static ModelLineage Lineage(int? parent, TrainedModel model, int labeledRows, int pseudoRows, TrustRegionOutcome? search, double golden, long cycle) =>
        new(parent, model.Trainer, labeledRows, pseudoRows, search?.AnchorRows ?? 0, search?.AnchorWeight ?? 0, 0, search?.Kl, golden, cycle);

    private async Task TryFlushSegmentAsync()
    {
        if (_pending.Count == 0)
        {
            return;
        }

        try
        {
            var bytes = new DatasetSegment(DatasetSegment.CurrentFormat, [], [.. _pending]).ToJson();
            var segment = await store.PutAsync(ArtifactKeys.Segment(TaskId, Sha(bytes)), bytes);
            state.State = state.State with { Segments = state.State.Segments.Add(segment), DuplicatesIgnored = _data?.Duplicates ?? state.State.DuplicatesIgnored };
            await state.WriteStateAsync();
            _pending.Clear();
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
    private async Task AppendToJournalAsync(LearningEvent item)
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
    }

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
    }

    private LearnerData NewData() => new(Options.RecentInputs, Options.MaxPseudoCandidates, Options.LabelGuardConfidence, state.State.QuarantineReleased, state.State.Erased);

    private void StartTimer() =>
        _timer ??= this.RegisterGrainTimer(OnTimerAsync, new GrainTimerCreationOptions(Options.CycleInterval, Options.CycleInterval) { KeepAlive = true });

    private async Task OnTimerAsync(CancellationToken cancellationToken)
    {
        if (_data is not { } data)
        {
            return;
        }

        var policy = await PolicyAsync();
        var pending = data.LabeledCount > state.State.ProposerLabeledAtLastTrain
            || data.LabeledCount > state.State.CriticLabeledAtLastTrain
            || (policy.Lambda > 0 && data.PseudoSinceCycle(policy.DTarget) > 0)
            || state.State.ProposerCatchUp > 0
            || state.State.CriticCatchUp > 0
            || state.State.ErasurePending
            || data.EpisodesSinceCycle > 0;
        if (pending)
        {
            await RunCycleAsync("timer");
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

    [LoggerMessage(Level = LogLevel.Information, Message = "Task {Task} learning cycle {Cycle} ({Trigger}): {Outcome} [{Reasons}] proposer golden {Golden:P2}, KL {Kl:F4}, {Milliseconds:F0} ms")]
    private static partial void LogCycle(ILogger logger, string task, long cycle, string trigger, string outcome, string reasons, double? golden, double? kl, double milliseconds);

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
