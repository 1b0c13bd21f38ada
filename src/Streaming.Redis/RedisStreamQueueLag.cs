namespace SelfDissonance.Streaming.RedisStreams;

/// <summary>How far the consumer group is behind on one queue.</summary>
/// <param name="Queue">The queue index.</param>
/// <param name="Key">The queue's Redis key.</param>
/// <param name="Length">Entries in the key (<c>XLEN</c>), acknowledged or not; bounded by trimming.</param>
/// <param name="Pending">Entries read but not yet acknowledged (in a silo's cache, being delivered, or left by a dead silo).</param>
/// <param name="Unread">Entries not yet read by the group, when Redis can tell (7.0 and later).</param>
/// <param name="OldestUnacknowledgedAge">Age of the oldest entry that is pending or unread; null when there is none.</param>
public sealed record RedisStreamQueueLag(int Queue, string Key, long Length, long Pending, long? Unread, TimeSpan? OldestUnacknowledgedAge);
