using Microsoft.Extensions.Logging;
using Orleans.Streams;

namespace SelfDissonance.Streaming.RedisStreams;

/// <summary>Writes batches to their queue's Redis stream and creates one receiver per queue a silo is given.</summary>
internal sealed partial class RedisStreamAdapter(RedisStreamAdapterFactory factory, IStreamQueueMapper mapper, ILogger logger) : IQueueAdapter
{
    public string Name => factory.Name;

    // Sequence tokens are per receiver cache, so a consumer cannot ask to rewind to an older position.
    public bool IsRewindable => false;

    public StreamProviderDirection Direction => StreamProviderDirection.ReadWrite;

    /// <summary>
    /// Completes once <c>XADD</c> has returned: the entry is then in Redis (as durable as the server's persistence
    /// settings make it), which is what callers that answer "accepted" rely on.
    /// </summary>
    public async Task QueueMessageBatchAsync<T>(StreamId streamId, IEnumerable<T> events, StreamSequenceToken? token, Dictionary<string, object>? requestContext)
    {
        if (token is not null)
        {
            throw new ArgumentException("Redis streams assign positions themselves; a producer cannot supply a sequence token.", nameof(token));
        }

        var key = factory.QueueKey(mapper.GetQueueForStream(streamId));
        var payload = factory.Serializer.SerializeToArray(new RedisStreamBatchContainer(streamId, [.. events.Cast<object>()], requestContext));
        var db = await factory.GetDatabaseAsync();
        try
        {
            await db.StreamAddAsync(key, RedisStreamAdapterFactory.PayloadField, payload, maxLength: factory.Options.MaxStreamLength, useApproximateMaxLength: true);
        }
        catch (Exception e) when (e is StackExchange.Redis.RedisException or TimeoutException)
        {
            LogAddFailed(logger, e, streamId.ToString(), key);
            throw;
        }
    }

    public IQueueAdapterReceiver CreateReceiver(QueueId queueId) => factory.CreateReceiver(queueId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Publishing to stream {Stream} failed: XADD to {Key} did not complete")]
    private static partial void LogAddFailed(ILogger logger, Exception exception, string stream, string key);
}
