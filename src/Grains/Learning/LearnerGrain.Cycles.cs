using System.Collections.Immutable;
using System.Diagnostics;
using SelfDissonance.Learning.Ml;
using SelfDissonance.Models;
using SelfDissonance.Policy;
using SelfDissonance.Runtime;
using SelfDissonance.Tasks;
using SelfDissonance.Telemetry;

namespace SelfDissonance.Learning;

/// <summary>
/// Learning cycles. A cycle runs beside the grain's message turns, not inside one: stream deliveries, status reads and a
/// stopping silo never wait for a fit. Cycles run one at a time in the order they were asked for, each on the rows
/// taken when it was asked for (<see cref="CycleInput"/>). Deliveries never wait: with four cycles queued no
/// further batch cycle is queued and the rows stay pending for the next one.
/// </summary>
public sealed partial class LearnerGrain
{
    // Each queued cycle holds a copy of its rows; four bound that memory while a burst of batches stays in order.
    private const int MaxQueuedCycles = 4;
    private readonly Queue<Task<LearningCycleResult>> _cycles = new();
    private readonly SemaphoreSlim _stateWrites = new(1, 1);
    private int _proposerMark = -1;
    private int _criticMark = -1;
    private bool _erasedSinceSnapshot;

    /// <summary>The settings chosen after a cycle for the next one (null when it failed); see <see cref="ChooseForNextCycle"/>.</summary>
    private (Task<FamilyChoice?> Choice, int LabeledAt)? _nextChoice;

    /// <summary>Takes the cycle's rows now and queues it behind any running cycle.</summary>
    private Task<LearningCycleResult> EnqueueCycle(string trigger, TaskPolicy policy)
    {
        var input = Snapshot(trigger, policy);
        var previous = _cycles.Count > 0 ? _cycles.Last() : Task.CompletedTask;
        var run = RunAfterAsync(previous, input);
        _cycles.Enqueue(run);
        _ = ForgetWhenDoneAsync(run);
        return run;
    }

    private async Task ForgetWhenDoneAsync(Task<LearningCycleResult> run)
    {
        await ObserveAsync(run);
        ForgetFinished();
    }

    /// <summary>Cycles finish in order, so the finished ones are at the head, whichever continuation runs first.</summary>
    private void ForgetFinished()
    {
        while (_cycles.TryPeek(out var head) && head.IsCompleted)
        {
            _ = _cycles.Dequeue();
        }
    }

    /// <summary>Waits for a cycle without rethrowing: its failure was logged where it happened.</summary>
    private static async Task ObserveAsync(Task run)
    {
        try
        {
            await run;
        }
        catch
        {
            // Logged by RunAfterAsync.
        }
    }

    private async Task<LearningCycleResult> RunAfterAsync(Task previous, CycleInput input)
    {
        await ObserveAsync(previous);
        _cycleRunning = true;
        try
        {
            return await RunCycleCoreAsync(input);
        }
        catch (OperationCanceledException) when (lifetime.ApplicationStopping.IsCancellationRequested)
        {
            LogCycleStopped(logger, TaskId, state.State.Cycle + 1, input.Trigger);
            throw;
        }
        catch (Exception e)
        {
            // The rows stay in the learner's data: the next cycle trains on them.
            _proposerMark = Math.Min(_proposerMark, state.State.ProposerLabeledAtLastTrain);
            _criticMark = Math.Min(_criticMark, state.State.CriticLabeledAtLastTrain);
            LogCycleFailed(logger, e, TaskId, input.Trigger);
            throw;
        }
        finally
        {
            // This cycle is still queued until its continuation forgets it: another one is running when more are queued.
            _cycleRunning = _cycles.Count(c => !c.IsCompleted) > 1;
        }
    }

    private CycleInput Snapshot(string trigger, TaskPolicy policy)
    {
        var data = _data!;
        if (_proposerMark < 0)
        {
            _proposerMark = state.State.ProposerLabeledAtLastTrain;
            _criticMark = state.State.CriticLabeledAtLastTrain;
        }

        var labeled = data.LabeledCount;
        var newLabeled = labeled - _proposerMark;
        var newPseudo = policy.Lambda > 0 ? data.PseudoSinceCycle(policy.DTarget) : 0;
        var erased = state.State.ErasurePending || _erasedSinceSnapshot;
        var trainProposer = newLabeled > 0 || newPseudo > 0 || state.State.ProposerCatchUp > 0 || erased;
        var trainCritic = labeled - _criticMark > 0 || state.State.CriticCatchUp > 0 || erased;
        var pseudoRows = 0;
        var proposerRows = trainProposer ? data.ProposerRows(policy.Lambda, policy.DTarget, out pseudoRows) : null;
        var input = new CycleInput(
            trigger,
            policy,
            labeled,
            newLabeled,
            newPseudo,
            data.CriticRows(),
            proposerRows,
            pseudoRows,
            trainCritic,
            [.. data.Recent],
            data.Sequence,
            data.EpisodesSinceCycle,
            data.DissonanceSumSinceCycle,
            erased);
        data.MarkCycle();
        _proposerMark = labeled;
        _criticMark = labeled;
        _erasedSinceSnapshot = false;
        return input;
    }

    /// <summary>Whether anything waits for a cycle (the timer's question).</summary>
    private bool HasPending(TaskPolicy policy)
    {
        var data = _data!;
        var proposerMark = _proposerMark < 0 ? state.State.ProposerLabeledAtLastTrain : _proposerMark;
        var criticMark = _criticMark < 0 ? state.State.CriticLabeledAtLastTrain : _criticMark;
        return data.LabeledCount > proposerMark
            || data.LabeledCount > criticMark
            || (policy.Lambda > 0 && data.PseudoSinceCycle(policy.DTarget) > 0)
            || state.State.ProposerCatchUp > 0
            || state.State.CriticCatchUp > 0
            || state.State.ErasurePending
            || _erasedSinceSnapshot
            || data.EpisodesSinceCycle > 0;
    }

    private async Task<LearningCycleResult> RunCycleCoreAsync(CycleInput input)
    {
        var definition = state.State.Definition!;
        var started = time.GetUtcNow();
        var clock = Stopwatch.StartNew();
        var cycle = state.State.Cycle + 1;
        var meta = GrainFactory.GetGrain<IMetaControllerGrain>(TaskId);
        var shape = new ModelShape(definition.FeatureCount, definition.ClassCount);
        var (proposerTrainer, criticTrainer, choice, chosenAt) = await TrainersAsync(shape, input);

        CandidateReport? proposerReport = null, criticReport = null;
        using (var activity = StartCycleActivity())
        {
            activity?.SetTag("sd.task", TaskId);
            activity?.SetTag("sd.cycle", cycle);
            activity?.SetTag("sd.trigger", input.Trigger);
            activity?.SetTag("sd.cycle.new_labeled", input.NewLabeled);
            // The two candidates are independent: each trains on a thread of its own, so the cycle takes the longer of the two.
            var proposerTraining = input.ProposerRows is { } rows
                ? TrainCandidateAsync(ModelRole.Proposer, proposerTrainer, shape, rows, input.LabeledAtStart, input.PseudoRows, input, cycle, choice, chosenAt)
                : null;
            var criticTraining = input.TrainCritic
                ? TrainCandidateAsync(ModelRole.Critic, criticTrainer, shape, input.Labeled, input.LabeledAtStart, 0, input, cycle, choice, chosenAt)
                : null;
            // Both finish (and a failure of either is observed) before the cycle goes on or fails.
            await Task.WhenAll(new[] { proposerTraining, criticTraining }.OfType<Task>());
            proposerReport = proposerTraining is null ? null : await proposerTraining;
            criticReport = criticTraining is null ? null : await criticTraining;
        }

        LambdaUpdate? lambda = null;
        if (input.Episodes > 0)
        {
            lambda = await meta.CompleteCycleAsync(input.DissonanceSum / input.Episodes, input.Episodes);
        }

        var reports = new[] { proposerReport, criticReport }.OfType<CandidateReport>().ToList();
        var outcome = reports.Any(r => r.Outcome is LearningOutcomes.Promoted or LearningOutcomes.Canary) ? LearningOutcomes.Promoted
            : reports.Any(r => r.Outcome == LearningOutcomes.Rejected) ? LearningOutcomes.Rejected
            : LearningOutcomes.NothingToLearn;
        var reasons = reports.SelectMany(r => r.Reasons).Distinct().ToImmutableArray();
        var result = new LearningCycleResult(cycle, outcome, reasons, proposerReport, criticReport, lambda, input.Trigger, started, clock.Elapsed, input.NewLabeled, input.NewPseudo);
        var keep = outcome != LearningOutcomes.NothingToLearn || input.Trigger == "api";
        await WriteStateAsync(s =>
        {
            var history = keep ? s.RecentCycles.Add(result) : s.RecentCycles;
            if (history.Count > Options.CycleHistory)
            {
                history = history.RemoveRange(0, history.Count - Options.CycleHistory);
            }

            return s with
            {
                ProposerLabeledAtLastTrain = Trained(proposerReport) ? input.LabeledAtStart : s.ProposerLabeledAtLastTrain,
                ProposerCatchUp = proposerReport is null ? s.ProposerCatchUp : NextCatchUp(proposerReport, s.ProposerCatchUp, input.NewLabeled > 0 || input.NewPseudo > 0),
                CriticLabeledAtLastTrain = Trained(criticReport) ? input.LabeledAtStart : s.CriticLabeledAtLastTrain,
                CriticCatchUp = criticReport is null ? s.CriticCatchUp : NextCatchUp(criticReport, s.CriticCatchUp, input.NewLabeled > 0),
                ProposerTrainer = proposerTrainer.Name,
                CriticTrainer = criticTrainer.Name,
                LabeledAtSelection = choice is null ? s.LabeledAtSelection : chosenAt,
                ErasurePending = _erasedSinceSnapshot,
                Cycle = keep ? cycle : s.Cycle,
                LastCycleSequence = input.Sequence,
                RecentCycles = history,
                DuplicatesIgnored = _data?.Duplicates ?? s.DuplicatesIgnored,
            };
        });

        // What the cycle consumed goes into a segment (under the journal lock: deliveries append beside it).
        await TryFlushSegmentAsync();
        if (proposerReport is not null || criticReport is not null)
        {
            ChooseForNextCycle(shape, input);
        }

        // A role whose promotion could not be stored keeps its rows pending: the next cycle's rows are counted from here.
        if (proposerReport is not null && !Trained(proposerReport))
        {
            _proposerMark = Math.Min(_proposerMark, state.State.ProposerLabeledAtLastTrain);
        }

        if (criticReport is not null && !Trained(criticReport))
        {
            _criticMark = Math.Min(_criticMark, state.State.CriticLabeledAtLastTrain);
        }

        if (input.NewLabeled > 0 && outcome == LearningOutcomes.Promoted && _data is { } data)
        {
            await GrainFactory.GetGrain<ITaskGrain>(TaskId).UpdateStatisticsAsync(data.Statistics());
        }

        SelfDissonanceMetrics.LearningCycles.Add(1, new KeyValuePair<string, object?>("task", TaskId), new KeyValuePair<string, object?>("outcome", outcome));
        SelfDissonanceMetrics.LearningCycleDuration.Record(clock.Elapsed.TotalSeconds, new KeyValuePair<string, object?>("task", TaskId));
        if (keep)
        {
            LogCycle(logger, TaskId, cycle, input.Trigger, outcome, string.Join(",", reasons), proposerReport?.GoldenAccuracy, proposerReport?.KlFromProduction, proposerReport?.Step, proposerTrainer.Name, clock.Elapsed.TotalMilliseconds);
            await RecordCycleAsync(result);
            await TaskEvents.PublishAsync(this, TaskId, new TaskEventItem(TaskEventNames.Cycle, started + clock.Elapsed, Cycle: result), logger);
        }

        return result;

        static bool Trained(CandidateReport? report) => report is not null && !report.Reasons.Contains(RejectionReasons.StoreUnavailable);
    }

    /// <summary>
    /// The settings each role retrains with: the ones a selection chose after an earlier cycle
    /// (<see cref="ChooseForNextCycle"/>) when there is one, else the ones chosen before. A task that has none yet (state
    /// from before settings were stored) chooses here.
    /// </summary>
    private async Task<(IModelTrainer Proposer, IModelTrainer Critic, FamilyChoice? Choice, int ChosenAt)> TrainersAsync(ModelShape shape, CycleInput input)
    {
        var s = state.State;
        var proposer = ModelFamilies.Find(shape, s.ProposerTrainer);
        var critic = ModelFamilies.Find(shape, s.CriticTrainer);
        if (input.ProposerRows is null && !input.TrainCritic)
        {
            var defaults = ModelFamilies.Defaults(shape);
            return (proposer ?? defaults.Proposer, critic ?? defaults.Critic, null, 0);
        }

        if (_nextChoice is { } next)
        {
            // Awaited, not skipped when unfinished: which settings a cycle trains must not depend on how fast the last
            // selection ran.
            _nextChoice = null;
            if (await next.Choice is { } choice)
            {
                return (choice.Proposer, choice.Critic, choice, next.LabeledAt);
            }
        }

        if (proposer is not null && critic is not null)
        {
            return (proposer, critic, null, 0);
        }

        var first = await SelectAsync(shape, input.Labeled, background: false);
        return (first.Proposer, first.Critic, first, input.LabeledAtStart);
    }

    /// <summary>
    /// When a cycle's labeled rows have doubled since the last choice (and grown by at least <see cref="ReselectAfterRows"/>),
    /// the settings are chosen again on them after the cycle, in the background, for the next cycle: a selection
    /// (15 fold fits) costs more than the cycle's own two fits, and run inside the cycle it doubled the cycle's time
    /// and its claim on the cores serving shares. The next cycle trains with the choice (one cycle later than in the
    /// cycle itself) and records its scores.
    /// </summary>
    private void ChooseForNextCycle(ModelShape shape, CycleInput input)
    {
        var chosenAt = state.State.LabeledAtSelection;
        if (_nextChoice is not null || input.LabeledAtStart < Math.Max(2 * chosenAt, chosenAt + ReselectAfterRows))
        {
            return;
        }

        _nextChoice = (ChooseAsync(shape, input.Labeled), input.LabeledAtStart);
    }

    private async Task<FamilyChoice?> ChooseAsync(ModelShape shape, IReadOnlyList<TrainingRow> labeled)
    {
        try
        {
            return await SelectAsync(shape, labeled, background: true);
        }
        catch (OperationCanceledException) when (lifetime.ApplicationStopping.IsCancellationRequested)
        {
            // The silo stops; the next activation's first cycle that finds the rows doubled chooses again.
            return null;
        }
        catch (Exception e)
        {
            // The settings chosen before stay; the next cycle that finds the rows doubled tries again.
            LogSelectionFailed(logger, e, TaskId, labeled.Count);
            return null;
        }
    }

    private async Task<FamilyChoice> SelectAsync(ModelShape shape, IReadOnlyList<TrainingRow> labeled, bool background)
    {
        var choice = await LearningThread.RunAsync(() => fits.Select(shape, labeled, SelectionSeed, background, lifetime.ApplicationStopping), lifetime.ApplicationStopping);
        LogSelected(logger, TaskId, choice.Proposer.Name, choice.ScoreOf(choice.Proposer), choice.Critic.Name, choice.ScoreOf(choice.Critic), choice.Rows, choice.Folds, choice.Duration.TotalMilliseconds);
        return choice;
    }

    private async Task<CandidateReport> TrainCandidateAsync(
        ModelRole role,
        IModelTrainer trainer,
        ModelShape shape,
        IReadOnlyList<TrainingRow> rows,
        int labeledRows,
        int pseudoRows,
        CycleInput input,
        long cycle,
        FamilyChoice? choice,
        int chosenAt)
    {
        var clock = Stopwatch.StartNew();
        var serving = await GrainFactory.GetGrain<IModelRegistryGrain>(ModelRoles.RegistryKey(TaskId, role)).GetServingAsync();
        var production = serving.Production is { } info ? await loader.LoadAsync(info, shape) : null;
        var reference = _goldenInputs.Concat(input.Recent).ToList();
        var golden = _goldenRows;
        var policy = input.Policy;
        var cvScore = choice?.ScoreOf(trainer) ?? LastCvScore(role);

        TrustRegionOutcome step;
        try
        {
            step = await LearningThread.RunAsync(() =>
            {
                // A stopping silo does not wait for this: the wait ends at once and the rows stay pending (journal).
                lifetime.ApplicationStopping.ThrowIfCancellationRequested();
                var candidate = fits.Trainer(trainer).Fit(shape, rows);
                return TrustRegionSearch.Run(
                    candidate,
                    production?.Model,
                    reference,
                    golden,
                    policy.KlEps,
                    policy.GoldenTolerance,
                    lifetime.ApplicationStopping,
                    mixture => Distillation.TrainersFor(mixture, trainer).Select(t => Distillation.Fit(fits.Trainer(t), mixture, rows, reference, SelectionSeed)));
            }, lifetime.ApplicationStopping);
        }
        catch (SingleClassException)
        {
            return Report(LearningOutcomes.Rejected, [RejectionReasons.SingleClass], null, null);
        }

        if (step.Rejection is { } rejection)
        {
            return Report(LearningOutcomes.Rejected, [rejection], null, step);
        }

        try
        {
            var lineage = new ModelLineage(production?.Version, step.Model.Trainer, labeledRows, pseudoRows, role == ModelRole.Proposer ? policy.Lambda : 0, step.Kl, step.GoldenAccuracy, cycle, step.Step, step.Model.MemberCount, cvScore, choice?.Scores ?? default);
            var why = FormattableString.Invariant($"learning cycle {cycle} ({input.Trigger}): {trainer.Name} step {step.Step:0.###}, golden {step.GoldenAccuracy:P2} vs {step.ProductionGoldenAccuracy ?? 0:P2}, KL {step.Kl ?? 0:F4} <= {policy.KlEps}");
            var registered = await RegisterAsync(role, step.Model, lineage, "learner", why);
            var outcome = registered.Stage == ModelStage.Canary ? LearningOutcomes.Canary : LearningOutcomes.Promoted;
            return Report(outcome, [], registered.Version, step);
        }
        catch (Exception e) when (e is IOException or ArtifactConflictException or TimeoutException or OrleansException or UnauthorizedAccessException)
        {
            LogPromotionFailed(logger, e, TaskId, role.ToWire());
            return Report(LearningOutcomes.Rejected, [RejectionReasons.StoreUnavailable], null, step);
        }

        CandidateReport Report(string outcome, ImmutableArray<string> reasons, int? version, TrustRegionOutcome? s) => new(
            role,
            outcome,
            reasons,
            version,
            production?.Version,
            s?.GoldenAccuracy ?? 0,
            s?.ProductionGoldenAccuracy,
            s?.Kl,
            labeledRows,
            pseudoRows,
            1 + (choice is null ? 0 : choice.Scores.Length * Math.Max(1, choice.Folds)),
            clock.Elapsed,
            s?.Steps ?? [],
            s?.Step ?? 0,
            s?.PlainKl,
            trainer.Name,
            cvScore,
            s?.Model.MemberCount ?? 0,
            choice?.Scores ?? default,
            choice is null ? null : chosenAt);
    }

    private double? LastCvScore(ModelRole role) =>
        state.State.RecentCycles.Select(c => role == ModelRole.Proposer ? c.Proposer : c.Critic).LastOrDefault(r => r?.CvAccuracy is not null)?.CvAccuracy;

    /// <summary>A partial trust-region step may be followed by further steps toward the retrained model, a bounded number of times.</summary>
    private int NextCatchUp(CandidateReport report, int current, bool hadNewData)
    {
        if (report.Outcome is not (LearningOutcomes.Promoted or LearningOutcomes.Canary) || report.Step >= 1)
        {
            return 0;
        }

        return hadNewData ? Options.MaxCatchUpSteps : Math.Max(0, current - 1);
    }

    /// <summary>Grain state changes from a cycle and from ingestion interleave: each applies to the latest state, one write at a time.</summary>
    private async Task WriteStateAsync(Func<LearnerState, LearnerState> change)
    {
        await _stateWrites.WaitAsync();
        try
        {
            state.State = change(state.State);
            await state.WriteStateAsync();
        }
        finally
        {
            _stateWrites.Release();
        }
    }
}
