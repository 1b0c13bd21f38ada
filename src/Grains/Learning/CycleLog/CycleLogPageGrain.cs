using System.Collections.Immutable;
using SelfDissonance.Runtime;

namespace SelfDissonance.Learning.CycleLog;

[GenerateSerializer, Immutable]
public sealed record CycleLogPageState
{
    /// <summary>Ordered by cycle number.</summary>
    [Id(0)] public ImmutableList<LearningCycleResult> Cycles { get; init; } = [];
}

/// <summary>One page of a task's cycle log: at most <see cref="ICycleLogGrain.PageSize"/> records, so its write stays bounded.</summary>
public sealed class CycleLogPageGrain(
    [PersistentState("cycleLogPage", StorageNames.Control)] IPersistentState<CycleLogPageState> state) : Grain, ICycleLogPageGrain
{
    private static readonly IComparer<LearningCycleResult> s_byCycle = Comparer<LearningCycleResult>.Create((a, b) => a.Cycle.CompareTo(b.Cycle));

    public async Task<ImmutableArray<long>> AppendAsync(ImmutableArray<LearningCycleResult> cycles)
    {
        var records = state.State.Cycles;
        var added = ImmutableArray.CreateBuilder<long>();
        foreach (var cycle in cycles)
        {
            var at = records.BinarySearch(cycle, s_byCycle);
            if (at >= 0)
            {
                continue;
            }

            records = records.Insert(~at, cycle);
            added.Add(cycle.Cycle);
        }

        if (added.Count > 0)
        {
            state.State = state.State with { Cycles = records };
            await state.WriteStateAsync();
        }

        return added.ToImmutable();
    }

    public Task<ImmutableArray<LearningCycleResult>> ReadAsync() => Task.FromResult(state.State.Cycles.ToImmutableArray());
}
