using System.Collections.Immutable;
using SelfDissonance.Runtime;

namespace SelfDissonance.Learning.CycleLog;

/// <summary>The head of a task's cycle log: which cycle numbers it holds (the records are in the pages).</summary>
[GenerateSerializer, Immutable]
public sealed record CycleLogState
{
    [Id(0)] public long Newest { get; init; }

    [Id(1)] public long Oldest { get; init; }

    [Id(2)] public long Count { get; init; }
}

/// <summary>
/// A task's cycle log. Why grains per page in control storage rather than one record list or the artifact store: a
/// single grain state would be rewritten whole on every cycle, growing without bound; the artifact store is write-once
/// and content-addressed (a page that fills one record at a time would leave a new blob per cycle). A page grain of
/// <see cref="ICycleLogGrain.PageSize"/> records is one small, bounded write per cycle with a single writer, and the
/// head here is three numbers. Reads walk pages from the newest down and touch only the pages a page of answers needs.
/// </summary>
public sealed class CycleLogGrain(
    [PersistentState("cycleLog", StorageNames.Control)] IPersistentState<CycleLogState> state) : Grain, ICycleLogGrain
{
    private string TaskId => this.GetPrimaryKeyString();

    public async Task AppendAsync(ImmutableArray<LearningCycleResult> cycles)
    {
        var added = new List<long>();
        foreach (var page in cycles.Where(c => c.Cycle >= 1).GroupBy(c => ICycleLogGrain.PageKey(TaskId, c.Cycle)))
        {
            added.AddRange(await GrainFactory.GetGrain<ICycleLogPageGrain>(page.Key).AppendAsync([.. page]));
        }

        if (added.Count == 0)
        {
            return;
        }

        var s = state.State;
        state.State = new CycleLogState
        {
            Newest = Math.Max(s.Newest, added.Max()),
            Oldest = s.Count == 0 ? added.Min() : Math.Min(s.Oldest, added.Min()),
            Count = s.Count + added.Count,
        };
        await state.WriteStateAsync();
    }

    public async Task<CyclePage> ReadAsync(int limit, long? before)
    {
        var head = state.State;
        var upper = before is { } b ? Math.Min(b - 1, head.Newest) : head.Newest;
        if (head.Count == 0 || limit <= 0 || upper < head.Oldest)
        {
            return new CyclePage([], null);
        }

        var found = ImmutableArray.CreateBuilder<LearningCycleResult>(Math.Min(limit, (int)Math.Min(head.Count, ICycleLogGrain.MaxLimit)));
        for (var cycle = upper; cycle >= head.Oldest && found.Count < limit; cycle = ((cycle - 1) / ICycleLogGrain.PageSize) * ICycleLogGrain.PageSize)
        {
            var records = await GrainFactory.GetGrain<ICycleLogPageGrain>(ICycleLogGrain.PageKey(TaskId, cycle)).ReadAsync();
            for (var i = records.Length - 1; i >= 0 && found.Count < limit; i--)
            {
                if (records[i].Cycle <= upper)
                {
                    found.Add(records[i]);
                }
            }
        }

        var last = found.Count > 0 ? found[^1].Cycle : 0;
        return new CyclePage(found.ToImmutable(), found.Count == limit && last > head.Oldest ? last : null);
    }
}
