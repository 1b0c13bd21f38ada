using Microsoft.Extensions.Logging;
using Orleans.Streams;
using SelfDissonance.Telemetry;

namespace SelfDissonance.Runtime;

/// <summary>
/// Publishing with bounded retries. Memory streams throw when a queue holds 16,384 events and have no back-pressure
/// (GOTCHAS 2); Redis Streams fail while Redis is unreachable. A short backoff rides out bursts and blips. Callers decide what happens when every attempt fails.
/// </summary>
public static partial class StreamPublisher
{
    private static readonly TimeSpan[] s_backoff = [TimeSpan.FromMilliseconds(10), TimeSpan.FromMilliseconds(50), TimeSpan.FromMilliseconds(200), TimeSpan.FromMilliseconds(500)];

    public static async Task<bool> TryPublishAsync<T>(IAsyncStream<T> stream, T item, ILogger logger)
    {
        for (var attempt = 0; ; attempt++)
        {
            try
            {
                await stream.OnNextAsync(item);
                return true;
            }
            catch (Exception e) when (e is InvalidOperationException or TimeoutException or OrleansException or StackExchange.Redis.RedisException)
            {
                if (attempt >= s_backoff.Length)
                {
                    LogGaveUp(logger, e, stream.StreamId.ToString(), attempt + 1);
                    return false;
                }

                SelfDissonanceMetrics.PublishRetries.Add(1);
                await Task.Delay(s_backoff[attempt]);
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Publishing to stream {Stream} failed {Attempts} times; the caller will retry later")]
    private static partial void LogGaveUp(ILogger logger, Exception exception, string stream, int attempts);
}
