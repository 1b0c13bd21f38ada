using System.Diagnostics;
using Microsoft.Extensions.Options;

namespace SelfDissonance.Silo.Hosting;

/// <summary>
/// Holds a stop (SIGTERM) to its budget in a silo process. The host cancels what is still running when
/// <see cref="SiloHostOptions.ShutdownTimeout"/> runs out, but that is advice: a provider blocked on an unreachable Redis
/// or blob store, or a disposal waiting on one, kept silos running past 80 s. Past the budget (plus a second for the
/// log to flush) the process ends itself, as Kubernetes would after the grace period; nothing accepted depends on a clean
/// stop (stream entries stay pending for the next owner, received episodes have reminders). Only the real entry point
/// arms it: an in-process test host must never end its test runner.
/// </summary>
public static partial class StopWatchdog
{
    private static readonly TimeSpan s_flush = TimeSpan.FromSeconds(1);

    public static void Arm(WebApplication app)
    {
        var budget = app.Services.GetRequiredService<IOptions<SiloHostOptions>>().Value.ShutdownTimeout;
        var logger = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(StopWatchdog).FullName!);
        app.Lifetime.ApplicationStopping.Register(() =>
        {
            var clock = Stopwatch.StartNew();
            // A thread of its own: a starved or blocked thread pool must not delay the deadline.
            new Thread(() =>
            {
                Thread.Sleep(budget + s_flush);
                LogOverran(logger, clock.Elapsed.TotalMilliseconds, budget.TotalMilliseconds);
                Thread.Sleep(200);
                Process.GetCurrentProcess().Kill();
            })
            {
                IsBackground = true,
                Name = "sd-stop-watchdog",
            }.Start();
        });
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Stop still running after {ElapsedMs:F0} ms (budget {BudgetMs:F0} ms): ending the process; unfinished work is picked up by the other silos")]
    private static partial void LogOverran(ILogger logger, double elapsedMs, double budgetMs);
}
