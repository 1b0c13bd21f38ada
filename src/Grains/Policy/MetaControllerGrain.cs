using System.Collections.Immutable;
using System.Globalization;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using SelfDissonance.Runtime;

namespace SelfDissonance.Policy;

/// <summary>
/// Owns a task's policy. Policy changes are written at once and broadcast on the control stream; the budget window and
/// traffic totals change on the hot path and are written at most once a second (and on deactivation).
/// </summary>
public sealed partial class MetaControllerGrain(
    [PersistentState("metaController", StorageNames.Control)] IPersistentState<MetaControllerState> state,
    TimeProvider time,
    IOptions<RuntimeOptions> runtime,
    ILogger<MetaControllerGrain> logger) : Grain, IMetaControllerGrain
{
    private const int HistoryLimit = 500;
    private bool _dirty;
    private IGrainTimer? _writer;

    private string TaskId => this.GetPrimaryKeyString();

    private TaskPolicy Policy => state.State.Policy ?? TaskPolicy.Default;

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        _writer = this.RegisterGrainTimer(WriteIfDirtyAsync, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(1));
        return Task.CompletedTask;
    }

    public override async Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        _writer?.Dispose();
        Telemetry.DomainGauges.RemovePolicy(TaskId);
        await WriteIfDirtyAsync();
    }

    public async Task<PolicySnapshot> InitializeAsync(TaskPolicy policy, string by)
    {
        PolicyValidator.ThrowIfInvalid(policy);
        await SetPolicyAsync(policy, by, "initial policy");
        return Snapshot();
    }

    public Task<PolicySnapshot> GetPolicyAsync() => Task.FromResult(Snapshot());

    public async Task<PolicySnapshot> UpdatePolicyAsync(PolicyPatch patch, string by, string reason)
    {
        var next = patch.ApplyTo(Policy);
        PolicyValidator.ThrowIfInvalid(next);
        if (next != Policy)
        {
            await SetPolicyAsync(next, by, reason);
        }

        return Snapshot();
    }

    public Task<ImmutableArray<PolicyChange>> GetHistoryAsync() => Task.FromResult(state.State.History.ToImmutableArray());

    public Task<bool> TryConsumeBudgetAsync()
    {
        var now = time.GetUtcNow();
        var ok = state.State.Budget.TryConsume(now, Policy.BudgetFor(state.State.Traffic.Count(now)), out var next);
        if (ok)
        {
            state.State = state.State with { Budget = next };
            _dirty = true;
        }

        return Task.FromResult(ok);
    }

    public async Task<LambdaUpdate> CompleteCycleAsync(double meanDissonance, int episodes)
    {
        var before = Policy.Lambda;
        if (episodes <= 0)
        {
            return new LambdaUpdate(before, before, 0, 0);
        }

        var after = LambdaController.Next(before, meanDissonance, Policy.DTarget, Policy.Eta, Policy.LambdaMax);
        if (after != before)
        {
            await SetPolicyAsync(
                Policy with { Lambda = after },
                "meta-controller",
                string.Create(CultureInfo.InvariantCulture, $"lambda adaptation: mean d {meanDissonance:F4} over {episodes} episodes vs dTarget {Policy.DTarget}"));
        }

        LogLambda(logger, TaskId, before, after, meanDissonance, episodes);
        return new LambdaUpdate(before, after, meanDissonance, episodes);
    }

    public Task RecordTrafficAsync(TrafficDelta delta)
    {
        var s = state.State;
        var histogram = s.DissonanceHistogram.IsDefaultOrEmpty ? new long[SiloCounters.HistogramBuckets] : [.. s.DissonanceHistogram];
        for (var i = 0; i < histogram.Length && i < delta.DissonanceHistogram.Length; i++)
        {
            histogram[i] += delta.DissonanceHistogram[i];
        }

        var blocked = s.BlockedByReason.ToBuilder();
        foreach (var (reason, n) in delta.BlockedByReason)
        {
            blocked[reason] = blocked.GetValueOrDefault(reason) + n;
        }

        state.State = s with
        {
            Episodes = s.Episodes + delta.Episodes,
            Traffic = s.Traffic.Add(time.GetUtcNow(), delta.Episodes),
            Learnable = s.Learnable + delta.Learnable,
            DissonanceSum = s.DissonanceSum + delta.DissonanceSum,
            BlockedByReason = blocked.ToImmutable(),
            DissonanceHistogram = [.. histogram],
        };
        Sample(force: false);
        _dirty = true;
        return Task.CompletedTask;
    }

    /// <summary>The stored samples and, last, the totals now: the latest point never lags the sample interval.</summary>
    public Task<ImmutableArray<TrafficPoint>> GetTrafficHistoryAsync() => Task.FromResult(state.State.Samples.Add(Point()).ToImmutableArray());

    /// <summary>Adds a history point when the last is older than the sample interval, or always when forced (a policy change).</summary>
    private void Sample(bool force)
    {
        var s = state.State;
        if (!force && s.Samples.Count > 0 && time.GetUtcNow() - s.Samples[^1].At < runtime.Value.HistorySampleInterval)
        {
            return;
        }

        state.State = s with { Samples = HistorySeries.Append(s.Samples, [Point()]) };
    }

    private TrafficPoint Point()
    {
        var s = state.State;
        return new TrafficPoint(time.GetUtcNow(), s.Episodes, s.Learnable, s.Episodes == 0 ? 0 : s.DissonanceSum / s.Episodes, Policy.Lambda, Snapshot().BudgetLeft, s.BlockedByReason);
    }

    public Task<TrafficTotals> GetTrafficAsync()
    {
        var s = state.State;
        var histogram = s.DissonanceHistogram.IsDefaultOrEmpty ? [.. new long[SiloCounters.HistogramBuckets]] : s.DissonanceHistogram;
        return Task.FromResult(new TrafficTotals(s.Episodes, s.Learnable, s.Episodes == 0 ? 0 : s.DissonanceSum / s.Episodes, s.BlockedByReason, histogram));
    }

    private async Task SetPolicyAsync(TaskPolicy policy, string by, string reason)
    {
        var now = time.GetUtcNow();
        var revision = state.State.Revision + 1;
        var history = state.State.History.Add(new PolicyChange(revision, now, by, reason, policy));
        if (history.Count > HistoryLimit)
        {
            history = history.RemoveRange(0, history.Count - HistoryLimit);
        }

        state.State = state.State with { Policy = policy, Revision = revision, UpdatedAt = now, History = history };
        Sample(force: true);
        await state.WriteStateAsync();
        _dirty = false;
        await ControlStream.PublishAsync(this, new ControlEvent(TaskId, null, Snapshot(), null, now), logger);
    }

    private PolicySnapshot Snapshot()
    {
        var now = time.GetUtcNow();
        var used = state.State.Budget.Count(now);
        return new PolicySnapshot(Policy, state.State.Revision, state.State.UpdatedAt, used, Math.Max(0, Policy.BudgetFor(state.State.Traffic.Count(now)) - used));
    }

    private async Task WriteIfDirtyAsync()
    {
        var snapshot = Snapshot();
        Telemetry.DomainGauges.SetPolicy(TaskId, snapshot.Policy.Lambda, snapshot.BudgetLeft, snapshot.Policy.RollbackDrop);
        if (_dirty)
        {
            _dirty = false;
            try
            {
                await state.WriteStateAsync();
            }
            catch
            {
                _dirty = true;
                throw;
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Task {Task}: lambda {Before} -> {After} (mean d {MeanDissonance:F4} over {Episodes} episodes)")]
    private static partial void LogLambda(ILogger logger, string task, double before, double after, double meanDissonance, int episodes);
}
