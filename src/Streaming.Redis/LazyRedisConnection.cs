using StackExchange.Redis;

namespace SelfDissonance.Streaming.RedisStreams;

/// <summary>
/// One Redis connection made on first use and shared: a failed connect is not cached, so the next caller tries again
/// (a silo may start while Redis is still coming up). Disposing closes it if it ever connected.
/// </summary>
public sealed class LazyRedisConnection(Func<Task<ConnectionMultiplexer>> connect) : IAsyncDisposable
{
    private readonly Lock _connectLock = new();
    private Task<ConnectionMultiplexer>? _connecting;

    public async Task<ConnectionMultiplexer> GetAsync(CancellationToken cancellationToken = default)
    {
        Task<ConnectionMultiplexer> connecting;
        lock (_connectLock)
        {
            if (_connecting is null || _connecting.IsFaulted || _connecting.IsCanceled)
            {
                _connecting = connect();
            }

            connecting = _connecting;
        }

        return await connecting.WaitAsync(cancellationToken);
    }

    public async ValueTask DisposeAsync()
    {
        Task<ConnectionMultiplexer>? connecting;
        lock (_connectLock)
        {
            connecting = _connecting;
            _connecting = null;
        }

        if (connecting is null)
        {
            return;
        }

        try
        {
            await (await connecting).DisposeAsync();
        }
        catch (RedisException)
        {
            // It never connected: nothing to close.
        }
    }
}
