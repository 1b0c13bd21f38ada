namespace SelfDissonance.Testing;

/// <summary>A real redis-server on a free loopback port; its append-only file keeps the data across Stop and Start.</summary>
public sealed class RedisServer() : LoopbackServer("redis-server")
{
    /// <summary>A StackExchange.Redis configuration string for this server.</summary>
    public string ConnectionString => $"127.0.0.1:{Port},abortConnect=false,connectTimeout=2000,syncTimeout=5000";

    public static async Task<RedisServer> StartNewAsync()
    {
        var server = new RedisServer();
        await server.StartAsync();
        return server;
    }

    protected override (string FileName, IReadOnlyList<string> Arguments) Command() => ("redis-server", [
        "--port", Text(Port),
        "--bind", "127.0.0.1",
        "--dir", DataDirectory,
        "--appendonly", "yes",
        "--appendfsync", "everysec",
        "--save", "",
        "--protected-mode", "no",
    ]);
}
