using System.Runtime.InteropServices;

namespace SelfDissonance.Learning;

/// <summary>
/// Runs a learning cycle's CPU-bound work (fits, KL scoring, golden checks, serialization) on a thread of its own at a
/// lowered OS priority instead of the .NET thread pool that Orleans and Kestrel serve from: a fit holds its thread for a
/// second or more, and on a 2-core node the pool starts with two threads. Serving threads then win the CPU whenever
/// they have work. Thread.Priority does nothing on Linux (dotnet/runtime#91165), so there the thread raises its own
/// nice value (per thread on Linux).
/// </summary>
internal static class LearningThread
{
    /// <summary>About a tenth of a core's share against a normal-priority thread that wants the CPU, all of an idle one.</summary>
    private const int Nice = 10;

    private const int LowestNice = 19;

    /// <summary>
    /// Runs <paramref name="work"/> on a learning thread. <paramref name="abandonOn"/> (the silo stopping) ends the wait at
    /// once with <see cref="OperationCanceledException"/>: a fit cannot be interrupted, so the thread finishes it in the
    /// background and its result is dropped, but the grain call that waited returns and no longer holds the silo's stop.
    /// </summary>
    public static Task<T> RunAsync<T>(Func<T> work, CancellationToken abandonOn = default) => RunAsync(work, Nice, abandonOn);

    /// <summary>
    /// As <see cref="RunAsync{T}(Func{T}, CancellationToken)"/>, at the lowest priority there is for a normal thread
    /// (nice 19: about 1.5% of a core against a normal-priority thread that wants it). For the learning worker
    /// (<see cref="Fits.LearningWorker"/>), a process of fits only; in the silo a thread this far down, preempted while it
    /// holds a lock or before it reaches a garbage collection's safe point, would hold up serving threads.
    /// </summary>
    public static Task<T> RunAtLowestAsync<T>(Func<T> work) => RunAsync(work, LowestNice, default);

    /// <summary>
    /// As <see cref="RunAtLowestAsync{T}(Func{T})"/>, in Linux's idle scheduling class (SCHED_IDLE): the thread runs
    /// only when no other thread of the machine wants its core, and a waking one takes the core at once. For the
    /// learning worker's work that no cycle waits for (a settings choice for the next cycle): it may take several times
    /// longer under load. It still costs serving something (on a 2-core VM a busy loop in this class lifted serving's
    /// p99 by about a third: BENCHMARKS.md), but the least any work can. Elsewhere, or if the class is refused, nice 19.
    /// </summary>
    public static Task<T> RunIdleAsync<T>(Func<T> work) => RunAsync(work, LowestNice, default, idle: true);

    private static Task<T> RunAsync<T>(Func<T> work, int nice, CancellationToken abandonOn, bool idle = false)
    {
        var done = new TaskCompletionSource<T>(TaskCreationOptions.RunContinuationsAsynchronously);
        var thread = new Thread(() =>
        {
            LowerPriority(nice);
            if (idle && OperatingSystem.IsLinux())
            {
                // pid 0 is the calling thread on Linux. Failure leaves nice 19.
                var none = new SchedParam();
                _ = SetScheduler(0, SchedIdle, ref none);
            }

            try
            {
                done.SetResult(work());
            }
            catch (Exception e)
            {
                done.SetException(e);
            }
        })
        {
            IsBackground = true,
            Name = "sd-learning",
        };
        thread.Start();
        return abandonOn.CanBeCanceled ? done.Task.WaitAsync(abandonOn) : done.Task;
    }

    private static void LowerPriority(int nice)
    {
        if (OperatingSystem.IsLinux())
        {
            // PRIO_PROCESS with who = 0 is the calling thread on Linux. Failure leaves normal priority: only slower serving.
            _ = SetPriority(0, 0, nice);
        }
        else
        {
            Thread.CurrentThread.Priority = ThreadPriority.BelowNormal;
        }
    }

    private const int SchedIdle = 5;

    [DllImport("libc", EntryPoint = "sched_setscheduler")]
    private static extern int SetScheduler(int pid, int policy, ref SchedParam param);

    [StructLayout(LayoutKind.Sequential)]
    private struct SchedParam
    {
        public int Priority;
    }

    [DllImport("libc", EntryPoint = "setpriority")]
    private static extern int SetPriority(int which, uint who, int priority);
}
