using Microsoft.Extensions.Options;
using Orleans.Streams;
using SelfDissonance.Runtime;
using SelfDissonance.Streaming.RedisStreams;
using SelfDissonance.Telemetry;

namespace SelfDissonance.Silo.Telemetry;

/// <summary>
/// Cluster profile: reads each Redis Streams provider's lag (entries unread or unacknowledged, age of the oldest) into the
/// sd.streams.* gauges. Every silo reports the same queues, read from Redis; alert on the max.
/// </summary>
public sealed partial class StreamLagMonitor(IServiceProvider services, IOptions<TelemetryOptions> options, ILogger<StreamLagMonitor> logger) : BackgroundService
{
    private static readonly string[] s_providers = [StreamNames.Provider, StreamNames.EventsProvider, StreamNames.ControlProvider];

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.Value.StreamLagInterval);
        do
        {
            foreach (var provider in s_providers)
            {
                // The silo's own factory instance (a keyed singleton per provider name), so no extra Redis connection.
                if (services.GetKeyedService<IQueueAdapterFactory>(provider) is not RedisStreamAdapterFactory factory)
                {
                    continue;
                }

                try
                {
                    foreach (var lag in await factory.GetLagAsync(stoppingToken))
                    {
                        DomainGauges.SetQueue(provider, lag.Queue, lag.OldestUnacknowledgedAge?.TotalSeconds, lag.Pending, lag.Unread);
                    }
                }
                catch (Exception e) when (e is StackExchange.Redis.RedisException or TimeoutException or ObjectDisposedException)
                {
                    // Readiness reports Redis being away; the gauges keep their last readings.
                    LogLagUnavailable(logger, provider, e.Message);
                }
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Stream lag of provider {Provider} unavailable: {Reason}")]
    private static partial void LogLagUnavailable(ILogger logger, string provider, string reason);
}
