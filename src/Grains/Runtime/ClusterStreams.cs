namespace SelfDissonance.Runtime;

internal static class ClusterStreams
{
    // Placeholder until the Redis Streams provider lands: memory streams keep the profile buildable.
    public static ISiloBuilder AddClusterStreams(this ISiloBuilder silo, string redis)
    {
        _ = redis;
        return silo.AddMemoryStreams(StreamNames.Provider, s => s.ConfigurePartitioning(8));
    }
}
