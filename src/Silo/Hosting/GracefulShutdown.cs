using System.Diagnostics;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.Extensions.Options;

namespace SelfDissonance.Silo.Hosting;

/// <summary>
/// The order of a stop (SIGTERM): readiness turns false, the silo keeps serving for <see cref="SiloHostOptions.DrainDelay"/>
/// so load balancers take it out, the HTTP listener closes and in-flight requests finish, and only then does the Orleans
/// silo stop (its hosted service stops after this one's stopping phase): it leaves the membership table cleanly and its
/// grains write their state and move, so nothing acknowledged is lost. Hosted services would otherwise stop the silo
/// before Kestrel (reverse registration order), failing requests still in flight.
/// </summary>
public sealed partial class GracefulShutdown(SiloDrain drain, IServer server, IOptions<SiloHostOptions> options, ILogger<GracefulShutdown> logger) : IHostedLifecycleService
{
    private readonly Stopwatch _clock = new();

    public async Task StoppingAsync(CancellationToken cancellationToken)
    {
        _clock.Start();
        drain.Begin();
        var delay = options.Value.DrainDelay;
        LogDraining(logger, delay.TotalMilliseconds);
        try
        {
            if (delay > TimeSpan.Zero)
            {
                await Task.Delay(delay, cancellationToken);
            }

            drain.CloseStreams();
            await server.StopAsync(cancellationToken);
        }
        catch (OperationCanceledException)
        {
            // The shutdown timeout ran out: the host stops the rest now.
        }

        LogRequestsDone(logger, _clock.Elapsed.TotalMilliseconds);
    }

    public Task StoppedAsync(CancellationToken cancellationToken)
    {
        LogStopped(logger, _clock.Elapsed.TotalMilliseconds);
        return Task.CompletedTask;
    }

    public Task StartingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StartedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    [LoggerMessage(Level = LogLevel.Warning, Message = "Stopping: readiness is false; serving {DrainMs} ms more before closing the listener")]
    private static partial void LogDraining(ILogger logger, double drainMs);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Listener closed and in-flight requests done after {ElapsedMs:F0} ms; the silo leaves the cluster now")]
    private static partial void LogRequestsDone(ILogger logger, double elapsedMs);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Stopped cleanly in {ElapsedMs:F0} ms")]
    private static partial void LogStopped(ILogger logger, double elapsedMs);
}
