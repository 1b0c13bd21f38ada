using System.Collections.Concurrent;
using System.Collections.Immutable;
using SelfDissonance.Models;
using SelfDissonance.Policy;

namespace SelfDissonance.Runtime;

/// <summary>
/// Per-task episode counters and live-accuracy counts gathered on this silo. The hot path only touches memory; the
/// silo's agent drains them every second into the meta-controllers and registries, which keep the durable totals.
/// Draining resets each task's counters under its lock, so no increment falls between a read and a reset.
/// </summary>
public sealed class SiloCounters
{
    public const int HistogramBuckets = 10;

    private readonly ConcurrentDictionary<string, TaskCounters> _tasks = new(StringComparer.Ordinal);

    public void RecordEpisode(string taskId, double dissonance, bool learnable, ImmutableArray<string> blockedReasons)
    {
        var c = _tasks.GetOrAdd(taskId, static _ => new TaskCounters());
        lock (c)
        {
            c.Episodes++;
            c.DissonanceSum += dissonance;
            c.Histogram[Math.Clamp((int)(dissonance * HistogramBuckets), 0, HistogramBuckets - 1)]++;
            if (learnable)
            {
                c.Learnable++;
            }

            foreach (var reason in blockedReasons)
            {
                c.Blocked[reason] = c.Blocked.GetValueOrDefault(reason) + 1;
            }
        }
    }

    public void RecordLive(string taskId, ModelRole role, int version, bool correct)
    {
        var c = _tasks.GetOrAdd(taskId, static _ => new TaskCounters());
        lock (c)
        {
            var (right, total) = c.Live.GetValueOrDefault((role, version));
            c.Live[(role, version)] = (right + (correct ? 1 : 0), total + 1);
        }
    }

    /// <summary>Takes everything counted so far and starts each task from zero.</summary>
    public IReadOnlyList<TaskCounterSnapshot> Drain()
    {
        var result = new List<TaskCounterSnapshot>();
        foreach (var (taskId, c) in _tasks)
        {
            lock (c)
            {
                if (c.Episodes == 0 && c.Live.Count == 0)
                {
                    continue;
                }

                var traffic = c.Episodes == 0
                    ? null
                    : new TrafficDelta(c.Episodes, c.Learnable, c.DissonanceSum, c.Blocked.ToImmutableDictionary(), [.. c.Histogram]);
                var live = c.Live
                    .GroupBy(kv => kv.Key.Role)
                    .ToImmutableDictionary(g => g.Key, g => g.Select(kv => new LiveOutcome(kv.Key.Version, kv.Value.Correct, kv.Value.Total)).ToImmutableArray());
                result.Add(new TaskCounterSnapshot(taskId, traffic, live));
                c.Reset();
            }
        }

        return result;
    }

    /// <summary>Puts drained counts back after a failed flush so nothing is lost.</summary>
    public void Restore(TaskCounterSnapshot snapshot)
    {
        var c = _tasks.GetOrAdd(snapshot.TaskId, static _ => new TaskCounters());
        lock (c)
        {
            if (snapshot.Traffic is { } t)
            {
                c.Episodes += t.Episodes;
                c.Learnable += t.Learnable;
                c.DissonanceSum += t.DissonanceSum;
                for (var i = 0; i < HistogramBuckets && i < t.DissonanceHistogram.Length; i++)
                {
                    c.Histogram[i] += t.DissonanceHistogram[i];
                }

                foreach (var (reason, n) in t.BlockedByReason)
                {
                    c.Blocked[reason] = c.Blocked.GetValueOrDefault(reason) + n;
                }
            }

            foreach (var (role, outcomes) in snapshot.Live)
            {
                foreach (var o in outcomes)
                {
                    var (right, total) = c.Live.GetValueOrDefault((role, o.Version));
                    c.Live[(role, o.Version)] = (right + o.Correct, total + o.Total);
                }
            }
        }
    }

    private sealed class TaskCounters
    {
        public long Episodes;
        public long Learnable;
        public double DissonanceSum;
        public readonly long[] Histogram = new long[HistogramBuckets];
        public readonly Dictionary<string, long> Blocked = new(StringComparer.Ordinal);
        public readonly Dictionary<(ModelRole Role, int Version), (long Correct, long Total)> Live = [];

        public void Reset()
        {
            Episodes = 0;
            Learnable = 0;
            DissonanceSum = 0;
            Array.Clear(Histogram);
            Blocked.Clear();
            Live.Clear();
        }
    }
}
