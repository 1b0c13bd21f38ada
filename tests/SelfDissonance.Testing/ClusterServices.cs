using Xunit;

namespace SelfDissonance.Testing;

/// <summary>
/// Redis and Azurite for the cluster profile, started once per test assembly (an assembly fixture) and shared by
/// every test that needs them; each test keeps to its own cluster id, key prefix or container.
/// </summary>
public sealed class ClusterServices : IAsyncLifetime
{
    public RedisServer Redis { get; private set; } = null!;

    public AzuriteServer Azurite { get; private set; } = null!;

    public async ValueTask InitializeAsync()
    {
        var redis = RedisServer.StartNewAsync();
        var azurite = AzuriteServer.StartNewAsync();
        Redis = await redis;
        Azurite = await azurite;
    }

    public async ValueTask DisposeAsync()
    {
        if (Redis is not null)
        {
            await Redis.DisposeAsync();
        }

        if (Azurite is not null)
        {
            await Azurite.DisposeAsync();
        }
    }
}
