using Orleans.Streams;

namespace SelfDissonance.RedisStreams.Tests;

public static class ProbeStreams
{
    /// <summary>The namespace <see cref="ProbeConsumerGrain"/> subscribes to implicitly, whichever provider delivers it.</summary>
    public const string Namespace = "rs-probe";

    /// <summary>The consumer group every test provider reads with, so tests can name it in raw Redis commands.</summary>
    public const string Group = "probe";

    public static IAsyncStream<ProbeEvent> Get(IClusterClient client, string provider, string key) =>
        client.GetStreamProvider(provider).GetStream<ProbeEvent>(StreamId.Create(Namespace, key));
}
