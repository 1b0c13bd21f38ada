using Microsoft.Extensions.Logging;
using Orleans.Streams;

namespace SelfDissonance.Runtime;

public static class ControlStream
{
    public static IAsyncStream<ControlEvent> Get(IStreamProvider provider) =>
        provider.GetStream<ControlEvent>(StreamId.Create(StreamNames.Control, StreamNames.ControlKey));

    /// <summary>Best effort: when publishing fails, silos still converge through their periodic cache refresh.</summary>
    public static Task PublishAsync(Grain grain, ControlEvent change, ILogger logger) =>
        StreamPublisher.TryPublishAsync(Get(grain.GetStreamProvider(StreamNames.ControlProvider)), change, logger);
}
