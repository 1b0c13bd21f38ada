using Orleans.Providers.Streams.Common;
using Orleans.Streams;
using StackExchange.Redis;

namespace SelfDissonance.Streaming.RedisStreams;

/// <summary>
/// One <c>XADD</c>: the events a producer published in one call, with their stream and request context. The alias keeps
/// entries already in Redis readable if the class is renamed.
/// </summary>
[GenerateSerializer]
[Alias("sd.redis-streams.batch.v1")]
internal sealed class RedisStreamBatchContainer : IBatchContainer
{
    // Serialized: the pulling agent hands the container to consumer grains on other silos, which read the token there.
    // Null in Redis (assigned on read), so entries written before this field existed still read.
    [Id(3)]
    private EventSequenceTokenV2? _token;

    [NonSerialized]
    private RedisValue _entryId;

    [NonSerialized]
    private volatile bool _handedToConsumer;

    public RedisStreamBatchContainer(StreamId streamId, List<object> events, Dictionary<string, object>? requestContext)
    {
        StreamId = streamId;
        Events = events;
        RequestContext = requestContext;
    }

    [Id(0)]
    public StreamId StreamId { get; init; }

    [Id(1)]
    public List<object> Events { get; init; }

    [Id(2)]
    public Dictionary<string, object>? RequestContext { get; init; }

    /// <summary>Assigned by the receiver when read: tokens only order entries within one receiver's cache.</summary>
    public StreamSequenceToken SequenceToken => _token ?? throw new InvalidOperationException("The batch has not been read from a queue yet.");

    /// <summary>The Redis entry id, needed to acknowledge the entry once delivered.</summary>
    internal RedisValue EntryId => _entryId;

    internal long Sequence => _token?.SequenceNumber ?? -1;

    /// <summary>
    /// Whether the pulling agent started delivering this batch to a consumer: it imports the request context right
    /// before every delivery call, on the cached instance. A batch the cache purges without this never reached anyone.
    /// </summary>
    internal bool HandedToConsumer => _handedToConsumer;

    internal void MarkRead(RedisValue entryId, long sequence)
    {
        _entryId = entryId;
        _token = new EventSequenceTokenV2(sequence);
    }

    public IEnumerable<Tuple<T, StreamSequenceToken>> GetEvents<T>()
    {
        var token = (EventSequenceTokenV2)SequenceToken;
        return Events.OfType<T>().Select((e, i) => Tuple.Create<T, StreamSequenceToken>(e, token.CreateSequenceTokenForEvent(i)));
    }

    public bool ImportRequestContext()
    {
        _handedToConsumer = true;
        if (RequestContext is not { Count: > 0 })
        {
            return false;
        }

        RequestContextExtensions.Import(RequestContext);
        return true;
    }

    public override string ToString() => $"RedisStreamBatchContainer [StreamId={StreamId}, Entry={EntryId}, Events={Events.Count}]";
}
