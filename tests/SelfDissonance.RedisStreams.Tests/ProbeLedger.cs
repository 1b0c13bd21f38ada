using System.Collections.Concurrent;

namespace SelfDissonance.RedisStreams.Tests;

/// <summary>
/// What probe consumers saw, shared by every silo of an in-process cluster (they all run in this process) and
/// outliving any silo, like the durable state of a real idempotent consumer.
/// </summary>
public static class ProbeLedger
{
    private static readonly ConcurrentDictionary<string, ConcurrentQueue<string>> s_deliveries = new();
    private static readonly ConcurrentDictionary<string, ConcurrentQueue<string>> s_senders = new();
    private static readonly ConcurrentDictionary<string, byte> s_processed = new();
    private static readonly ConcurrentDictionary<string, ConcurrentQueue<int>> s_order = new();
    private static readonly ConcurrentDictionary<string, TaskCompletionSource<bool>> s_gates = new();
    private static volatile string? s_blockedSilo;

    /// <summary>Events with <see cref="ProbeBehaviour.StallOnBlockedSilo"/> stall on this silo (its address string).</summary>
    public static string? BlockedSilo
    {
        get => s_blockedSilo;
        set => s_blockedSilo = value;
    }

    /// <summary>Records one OnNextAsync call: the consumer's silo and the silo of the pulling agent that called it.</summary>
    public static void RecordDelivery(string id, string silo, string? agentSilo)
    {
        s_senders.GetOrAdd(id, _ => new()).Enqueue(agentSilo ?? "unknown");
        s_deliveries.GetOrAdd(id, _ => new()).Enqueue(silo);
    }

    /// <summary>The silos an event was delivered to, one entry per OnNextAsync call.</summary>
    public static IReadOnlyList<string> Deliveries(string id) => s_deliveries.TryGetValue(id, out var d) ? [.. d] : [];

    /// <summary>The silos of the pulling agents that delivered an event, one entry per OnNextAsync call.</summary>
    public static IReadOnlyList<string> DeliveredBy(string id) => s_senders.TryGetValue(id, out var s) ? [.. s] : [];

    /// <summary>Processes an event unless its id was processed already; the stream's processing order is kept.</summary>
    public static void RecordProcessed(ProbeEvent e, string streamKey)
    {
        if (s_processed.TryAdd(e.Id, 0))
        {
            s_order.GetOrAdd(streamKey, _ => new()).Enqueue(e.Index);
        }
    }

    public static bool IsProcessed(string id) => s_processed.ContainsKey(id);

    /// <summary>Indexes of the events processed on a stream, in processing order.</summary>
    public static IReadOnlyList<int> Order(string streamKey) => s_order.TryGetValue(streamKey, out var o) ? [.. o] : [];

    /// <summary>Completes with true (process) or false (abandon) when the test opens the event's gate.</summary>
    public static Task<bool> WaitAsync(string id) => Gate(id).Task;

    public static void Open(string id, bool process) => Gate(id).TrySetResult(process);

    private static TaskCompletionSource<bool> Gate(string id) =>
        s_gates.GetOrAdd(id, _ => new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously));
}
