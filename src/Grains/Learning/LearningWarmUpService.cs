using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using SelfDissonance.Learning.Fits;
using SelfDissonance.Runtime;
using SelfDissonance.Telemetry;

namespace SelfDissonance.Learning;

/// <summary>
/// Warms the learning code once the silo has started (<see cref="LearningWarmUp"/>), on a learning thread at its lowered
/// priority, so that serving keeps the CPU it needs and a task's first cycle runs compiled, optimized code.
/// </summary>
internal sealed partial class LearningWarmUpService(IOptions<LearningOptions> options, IFitHost fits, IHostApplicationLifetime lifetime, ILogger<LearningWarmUpService> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!options.Value.WarmUp)
        {
            return;
        }

        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using (lifetime.ApplicationStarted.Register(() => started.TrySetResult()))
        {
            await started.Task.WaitAsync(stoppingToken);
        }

        try
        {
            var report = await LearningThread.RunAsync(() => LearningWarmUp.Run(fits, stoppingToken), stoppingToken);
            SelfDissonanceMetrics.LearningWarmUpDuration.Record(report.Duration.TotalSeconds);
            LogWarmedUp(logger, report.Duration.TotalMilliseconds, report.Fitted.Length, report.Steps);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // The silo stops: the warm-up has nothing left to serve.
        }
        catch (Exception e)
        {
            // Only the first cycle is slower without it.
            LogWarmUpFailed(logger, e);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Learning code warmed up in {Milliseconds:F0} ms ({Settings} model settings fitted, {Steps} trust-region steps tried)")]
    private static partial void LogWarmedUp(ILogger logger, double milliseconds, int settings, int steps);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The learning warm-up failed; the first learning cycle will run slower")]
    private static partial void LogWarmUpFailed(ILogger logger, Exception exception);
}
