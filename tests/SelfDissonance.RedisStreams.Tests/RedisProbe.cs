using System.Globalization;
using StackExchange.Redis;

namespace SelfDissonance.RedisStreams.Tests;

/// <summary>Raw Redis reads of what the provider left in a prefix's keys.</summary>
public static class RedisProbe
{
    public static string QueueKey(string prefix, int queue) => $"{prefix}:{queue.ToString(CultureInfo.InvariantCulture)}";

    public static string DeadLetterKey(string prefix) => $"{prefix}:dead";

    /// <summary>Entries read but not acknowledged by the group, over all queues (XPENDING).</summary>
    public static async Task<StreamPendingMessageInfo[]> PendingAsync(IDatabase db, string prefix, int queues)
    {
        var all = new List<StreamPendingMessageInfo>();
        for (var queue = 0; queue < queues; queue++)
        {
            var key = QueueKey(prefix, queue);
            if (await db.KeyExistsAsync(key) && (await db.StreamGroupInfoAsync(key)).Any(g => g.Name == ProbeStreams.Group))
            {
                all.AddRange(await db.StreamPendingMessagesAsync(key, ProbeStreams.Group, 10_000, RedisValue.Null));
            }
        }

        return [.. all];
    }

    public static async Task<StreamEntry[]> DeadLettersAsync(IDatabase db, string prefix) =>
        await db.StreamRangeAsync(DeadLetterKey(prefix));
}
