using StackExchange.Redis;

namespace SelfDissonance.Silo.Hosting;

/// <summary>
/// Cluster profile: whether Redis (membership, state, reminders, streams) answers a PING. Its own connection, so a probe
/// never queues behind the providers' traffic; connected lazily and retried in the background (abortConnect=false).
/// </summary>
public sealed class RedisReadiness(string connectionString) : IStoreProbe, IAsyncDisposable
{
    public string Name => "redis";

    private readonly Lazy<Task<ConnectionMultiplexer>> _connection = new(() => ConnectAsync(connectionString));

    public async Task<bool> PingAsync(CancellationToken cancellationToken)
    {
        try
        {
            var redis = await _connection.Value.WaitAsync(cancellationToken);
            await redis.GetDatabase().PingAsync().WaitAsync(cancellationToken);
            return true;
        }
        catch (Exception e) when (e is RedisException or OperationCanceledException or TimeoutException)
        {
            return false;
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_connection.IsValueCreated && _connection.Value.IsCompletedSuccessfully)
        {
            await _connection.Value.Result.DisposeAsync();
        }
    }

    private static Task<ConnectionMultiplexer> ConnectAsync(string connectionString)
    {
        var options = ConfigurationOptions.Parse(connectionString);
        options.AbortOnConnectFail = false;
        options.ClientName = "selfdissonance-readiness";
        return ConnectionMultiplexer.ConnectAsync(options);
    }
}
