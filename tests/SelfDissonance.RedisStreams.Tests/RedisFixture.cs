using SelfDissonance.Testing;
using StackExchange.Redis;

namespace SelfDissonance.RedisStreams.Tests;

/// <summary>A real redis-server on a free loopback port and a raw connection to inspect what the provider wrote.</summary>
public sealed class RedisFixture : IAsyncLifetime
{
    public RedisServer Server { get; private set; } = null!;

    public ConnectionMultiplexer Connection { get; private set; } = null!;

    public IDatabase Db => Connection.GetDatabase();

    public string ConnectionString => Server.ConnectionString;

    /// <summary>A key prefix no other test uses.</summary>
    public static string NewPrefix(string test) => $"rs-test:{test}:{Guid.NewGuid():N}";

    public async ValueTask InitializeAsync()
    {
        Server = await RedisServer.StartNewAsync();
        Connection = await ConnectionMultiplexer.ConnectAsync(Server.ConnectionString);
    }

    public async ValueTask DisposeAsync()
    {
        if (Connection is not null)
        {
            await Connection.DisposeAsync();
        }

        if (Server is not null)
        {
            await Server.DisposeAsync();
        }
    }
}
