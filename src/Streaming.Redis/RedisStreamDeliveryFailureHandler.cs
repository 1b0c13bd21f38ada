using Microsoft.Extensions.Logging;
using Orleans.Streams;

namespace SelfDissonance.Streaming.RedisStreams;

/// <summary>
/// Told by the pulling agent when a consumer could not take an event within <c>MaxEventDeliveryTime</c>. The cache then
/// drops the event without reporting it as delivered, so the entry is never acknowledged; this hands it back to the
/// queue's receiver, which claims it again later and dead-letters it after <see cref="RedisStreamOptions.MaxDeliveries"/>.
/// </summary>
internal sealed partial class RedisStreamDeliveryFailureHandler(RedisStreamAdapterFactory factory, QueueId queueId, ILogger logger) : IStreamFailureHandler
{
    // Implicit subscriptions are never faulted by the agent anyway; for explicit ones a poison event must not end the subscription.
    public bool ShouldFaultSubsriptionOnError => false;

    public Task OnDeliveryFailure(GuidId subscriptionId, string streamProviderName, StreamId streamIdentity, StreamSequenceToken? sequenceToken)
    {
        LogDeliveryFailed(logger, streamIdentity.ToString(), queueId.ToString(), sequenceToken?.ToString());
        if (sequenceToken is not null)
        {
            factory.ReleaseFailedDelivery(queueId, sequenceToken);
        }

        return Task.CompletedTask;
    }

    public Task OnSubscriptionFailure(GuidId subscriptionId, string streamProviderName, StreamId streamIdentity, StreamSequenceToken? sequenceToken)
    {
        LogSubscriptionFailed(logger, streamIdentity.ToString(), queueId.ToString());
        return Task.CompletedTask;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Delivery on stream {Stream} (queue {Queue}, token {Token}) failed; the entry stays unacknowledged and will be delivered again")]
    private static partial void LogDeliveryFailed(ILogger logger, string stream, string queue, string? token);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Subscribing a consumer to stream {Stream} (queue {Queue}) failed")]
    private static partial void LogSubscriptionFailed(ILogger logger, string stream, string queue);
}
