namespace SelfDissonance.Testing;

/// <summary>
/// A real redis-server on a free loopback port with its data in a temp folder. Stop and Start keep the port and the
/// data (append-only file), so tests can take Redis away and bring it back.
/// </summary>
public sealed class RedisServer : IAsyncDisposable
{
    private readonly TempDirectory _dir = new("sd-redis");
    private ExternalProcess? _process;

    public int Port { get; } = FreePort.Next();

    /// <summary>A StackExchange.Redis configuration string for this server.</summary>
    public string ConnectionString => $"127.0.0.1:{Port},abortConnect=false,connectTimeout=2000,syncTimeout=5000";

    public bool IsRunning => _process is { HasExited: false };

    public static async Task<RedisServer> StartNewAsync()
    {
        var server = new RedisServer();
        await server.StartAsync();
        return server;
    }

    public async Task StartAsync()
    {
        if (IsRunning)
        {
            return;
        }

        _process = ExternalProcess.Start("redis-server", [
            "--port", Port.ToString(System.Globalization.CultureInfo.InvariantCulture),
            "--bind", "127.0.0.1",
            "--dir", _dir.Path,
            "--appendonly", "yes",
            "--appendfsync", "everysec",
            "--save", "",
            "--protected-mode", "no",
        ]);
        await _process.WaitForPortAsync(Port, TimeSpan.FromSeconds(20), "redis-server");
    }

    public async Task StopAsync()
    {
        if (_process is { } p)
        {
            await p.StopAsync(TimeSpan.FromSeconds(10));
            _process = null;
        }
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        _dir.Dispose();
    }
}
