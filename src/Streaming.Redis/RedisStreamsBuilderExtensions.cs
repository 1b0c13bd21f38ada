using Microsoft.Extensions.DependencyInjection;

namespace SelfDissonance.Streaming.RedisStreams;

/// <summary>Registers the Redis Streams provider the way <c>AddMemoryStreams</c> registers memory streams.</summary>
public static class RedisStreamsBuilderExtensions
{
    /// <summary>
    /// Adds a Redis Streams provider to a silo. <paramref name="configureStream"/> sets what every persistent provider
    /// has: pub-sub type (<c>ConfigureStreamPubSub(StreamPubSubType.ImplicitOnly)</c> needs no PubSubStore), pulling
    /// agent options (<c>MaxEventDeliveryTime</c> bounds how long a throwing consumer holds its stream), queue balancer.
    /// </summary>
    public static ISiloBuilder AddRedisStreams(this ISiloBuilder builder, string name, Action<RedisStreamOptions> configureOptions, Action<ISiloPersistentStreamConfigurator>? configureStream = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.AddOptions<RedisStreamOptions>(name).Configure(configureOptions);
        return builder.AddPersistentStreams(name, RedisStreamAdapterFactory.Create, s => configureStream?.Invoke(s));
    }

    /// <summary>Adds a Redis Streams provider to a client, which can then publish (XADD) straight to Redis.</summary>
    public static IClientBuilder AddRedisStreams(this IClientBuilder builder, string name, Action<RedisStreamOptions> configureOptions, Action<IClusterClientPersistentStreamConfigurator>? configureStream = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.AddOptions<RedisStreamOptions>(name).Configure(configureOptions);
        return builder.AddPersistentStreams(name, RedisStreamAdapterFactory.Create, configureStream);
    }
}
