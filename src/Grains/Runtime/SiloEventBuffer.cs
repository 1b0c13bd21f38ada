using System.Collections.Concurrent;

namespace SelfDissonance.Runtime;

/// <summary>
/// Episode outcomes of this silo waiting to be published to their tasks' live events streams. The hot path only
/// appends in memory; the silo agent publishes one batch per task a few times a second, so watching costs one stream
/// message per task per flush, not one per episode. Bounded: beyond <see cref="MaxPerTask"/> events between flushes
/// the newest are dropped and counted (watchers are live views, not a ledger).
/// </summary>
public sealed class SiloEventBuffer
{
    public const int MaxPerTask = 20_000;

    private readonly ConcurrentDictionary<string, Pending> _tasks = new(StringComparer.Ordinal);
    private long _dropped;

    /// <summary>Events dropped because a task produced more than <see cref="MaxPerTask"/> between two flushes.</summary>
    public long Dropped => Interlocked.Read(ref _dropped);

    public void Add(string taskId, TaskEventItem item)
    {
        var pending = _tasks.GetOrAdd(taskId, static _ => new Pending());
        lock (pending)
        {
            if (pending.Items.Count >= MaxPerTask)
            {
                Interlocked.Increment(ref _dropped);
                return;
            }

            pending.Items.Add(item);
        }
    }

    public IReadOnlyList<TaskEventBatch> Drain()
    {
        var batches = new List<TaskEventBatch>();
        foreach (var (taskId, pending) in _tasks)
        {
            lock (pending)
            {
                if (pending.Items.Count > 0)
                {
                    batches.Add(new TaskEventBatch(taskId, [.. pending.Items]));
                    pending.Items.Clear();
                }
            }
        }

        return batches;
    }

    private sealed class Pending
    {
        public readonly List<TaskEventItem> Items = [];
    }
}
