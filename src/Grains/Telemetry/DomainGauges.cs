using System.Collections.Concurrent;
using System.Collections.Immutable;
using System.Diagnostics.Metrics;
using SelfDissonance.Models;

namespace SelfDissonance.Telemetry;

/// <summary>
/// The latest domain readings of this process, for the observable gauges of <see cref="SelfDissonanceMetrics"/>. Each
/// task's meta controller and model registry set their own readings on their one-second timers and remove them when
/// they deactivate, so a task is reported by the silo that hosts its grains (sum or max by task across silos).
/// </summary>
public static class DomainGauges
{
    private static readonly ConcurrentDictionary<string, PolicyReading> s_policy = new(StringComparer.Ordinal);
    private static readonly ConcurrentDictionary<(string Task, ModelRole Role), ImmutableArray<ModelReading>> s_models = new();
    private static readonly ConcurrentDictionary<(string Provider, int Queue), QueueReading> s_queues = new();

    public static void SetPolicy(string task, double lambda, int budgetLeft, double rollbackDrop) =>
        s_policy[task] = new PolicyReading(lambda, budgetLeft, rollbackDrop);

    public static void RemovePolicy(string task) => s_policy.TryRemove(task, out _);

    /// <summary>Replaces the readings of one lineage: versions that stopped serving disappear from the gauges.</summary>
    public static void SetModels(string task, ModelRole role, ImmutableArray<ModelReading> readings) => s_models[(task, role)] = readings;

    public static void RemoveModels(string task, ModelRole role) => s_models.TryRemove((task, role), out _);

    public static void SetQueue(string provider, int queue, double? oldestUnacknowledgedSeconds, long pending, long? unread) =>
        s_queues[(provider, queue)] = new QueueReading(oldestUnacknowledgedSeconds ?? 0, pending, unread);

    internal static IEnumerable<Measurement<double>> Lambda() =>
        s_policy.Select(p => new Measurement<double>(p.Value.Lambda, Task(p.Key)));

    internal static IEnumerable<Measurement<long>> BudgetLeft() =>
        s_policy.Select(p => new Measurement<long>(p.Value.BudgetLeft, Task(p.Key)));

    internal static IEnumerable<Measurement<double>> RollbackDrop() =>
        s_policy.Select(p => new Measurement<double>(p.Value.RollbackDrop, Task(p.Key)));

    internal static IEnumerable<Measurement<double>> Accuracy() =>
        from lineage in s_models
        from m in lineage.Value
        from reading in new[] { ("golden", m.Golden), ("live", m.Live) }
        where reading.Item2 is not null
        select new Measurement<double>(reading.Item2!.Value, Task(lineage.Key.Task), Role(lineage.Key.Role), Version(m.Version), Stage(m.Stage), new("kind", reading.Item1));

    internal static IEnumerable<Measurement<long>> LiveSamples() =>
        from lineage in s_models
        from m in lineage.Value
        select new Measurement<long>(m.LiveSamples, Task(lineage.Key.Task), Role(lineage.Key.Role), Version(m.Version), Stage(m.Stage));

    internal static IEnumerable<Measurement<double>> OldestUnacknowledged() =>
        s_queues.Select(q => new Measurement<double>(q.Value.OldestUnacknowledgedSeconds, Queue(q.Key)));

    internal static IEnumerable<Measurement<long>> Pending() =>
        s_queues.Select(q => new Measurement<long>(q.Value.Pending + (q.Value.Unread ?? 0), Queue(q.Key)));

    private static KeyValuePair<string, object?> Task(string task) => new("task", task);

    private static KeyValuePair<string, object?> Role(ModelRole role) => new("role", role.ToWire());

    private static KeyValuePair<string, object?> Version(int version) => new("version", version);

    private static KeyValuePair<string, object?> Stage(string stage) => new("stage", stage);

    private static KeyValuePair<string, object?>[] Queue((string Provider, int Queue) key) => [new("provider", key.Provider), new("queue", key.Queue)];

    private sealed record PolicyReading(double Lambda, int BudgetLeft, double RollbackDrop);

    private sealed record QueueReading(double OldestUnacknowledgedSeconds, long Pending, long? Unread);
}

/// <summary>One serving version's accuracy: <paramref name="Stage"/> is production, previous (the version production
/// replaced, what a rollback would restore) or canary.</summary>
public sealed record ModelReading(int Version, string Stage, double? Golden, double? Live, long LiveSamples);
