using System.Collections.Concurrent;
using System.Diagnostics;

namespace SelfDissonance.Cli.Bench;

/// <summary>
/// Drives an operation for a duration, either closed-loop (a fixed number of callers, each sending its next request when
/// the previous one answers) or open-loop (a fixed rate: request i is due at start + i/rate). In the fixed-rate mode a
/// request's latency is measured from the time it was due, not from when it could be sent, so a stalled server shows
/// up in the percentiles instead of silently slowing the sender (coordinated omission).
/// </summary>
internal static class LoadDriver
{
    /// <param name="operation">One request; an exception counts as an error named by <paramref name="classify"/>.</param>
    /// <param name="concurrency">Callers (closed loop) or the cap on requests in flight (fixed rate).</param>
    /// <param name="rate">Requests per second, or null for the closed loop.</param>
    /// <param name="duration">How long to send.</param>
    /// <param name="classify">Names an error for the report.</param>
    /// <param name="cancellationToken">Stops the run (Ctrl+C).</param>
    /// <param name="timings">Receives every answered request's due time and latency, when given.</param>
    public static async Task<LoadResult> RunAsync(
        Func<CancellationToken, Task> operation,
        int concurrency,
        double? rate,
        TimeSpan duration,
        Func<Exception, string> classify,
        CancellationToken cancellationToken,
        ConcurrentQueue<RequestTiming>? timings = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(concurrency, 1);
        var run = new Run(operation, classify, timings);
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var started = Stopwatch.GetTimestamp();
        stop.CancelAfter(duration);
        if (rate is { } r)
        {
            await run.FixedRateAsync(r, concurrency, stop.Token);
        }
        else
        {
            await Task.WhenAll(Enumerable.Range(0, concurrency).Select(_ => run.CallerAsync(stop.Token)));
        }

        var elapsed = Stopwatch.GetElapsedTime(started);
        cancellationToken.ThrowIfCancellationRequested();
        return new LoadResult(run.Latency.Count, run.Errors.ToDictionary(e => e.Key, e => e.Value, StringComparer.Ordinal), elapsed, run.Latency.Summarize(), run.MaxInFlight);
    }

    private sealed class Run(Func<CancellationToken, Task> operation, Func<Exception, string> classify, ConcurrentQueue<RequestTiming>? timings)
    {
        // Due times are stopwatch ticks; a timing names the wall-clock time, to line up with what else happened then.
        private readonly DateTimeOffset _wallAtStart = DateTimeOffset.UtcNow;
        private readonly long _ticksAtStart = Stopwatch.GetTimestamp();

        private long _inFlight;
        private long _maxInFlight;

        public LatencyHistogram Latency { get; } = new();

        public ConcurrentDictionary<string, long> Errors { get; } = new(StringComparer.Ordinal);

        public long MaxInFlight => Interlocked.Read(ref _maxInFlight);

        public async Task CallerAsync(CancellationToken stop)
        {
            // Each caller starts on its own work item so thousands of them interleave instead of running inline.
            await Task.Yield();
            while (!stop.IsCancellationRequested)
            {
                await OneAsync(Stopwatch.GetTimestamp(), stop);
            }
        }

        public async Task FixedRateAsync(double rate, int maxInFlight, CancellationToken stop)
        {
            var ticksPerRequest = Stopwatch.Frequency / rate;
            var slots = new SemaphoreSlim(maxInFlight, maxInFlight);
            var pending = new List<Task>();
            var start = Stopwatch.GetTimestamp();
            long sent = 0;
            try
            {
                while (!stop.IsCancellationRequested)
                {
                    var now = Stopwatch.GetTimestamp();
                    // Send everything that is due by now; the timer's granularity (about 1 ms) only delays sending, and
                    // that delay is counted in the latency because it is measured from the due time.
                    while (start + (long)(sent * ticksPerRequest) <= now && !stop.IsCancellationRequested)
                    {
                        var due = start + (long)(sent * ticksPerRequest);
                        sent++;
                        await slots.WaitAsync(stop);
                        pending.Add(SendAsync(due, slots, stop));
                    }

                    pending.RemoveAll(t => t.IsCompleted);
                    var next = start + (long)(sent * ticksPerRequest);
                    var wait = TimeSpan.FromSeconds((next - Stopwatch.GetTimestamp()) / (double)Stopwatch.Frequency);
                    if (wait > TimeSpan.Zero)
                    {
                        await Task.Delay(wait, stop);
                    }
                }
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested)
            {
            }

            await Task.WhenAll(pending);
        }

        private async Task SendAsync(long due, SemaphoreSlim slots, CancellationToken stop)
        {
            try
            {
                await OneAsync(due, stop);
            }
            finally
            {
                slots.Release();
            }
        }

        private async Task OneAsync(long startTimestamp, CancellationToken stop)
        {
            var inFlight = Interlocked.Increment(ref _inFlight);
            if (inFlight > Interlocked.Read(ref _maxInFlight))
            {
                Interlocked.Exchange(ref _maxInFlight, inFlight);
            }

            try
            {
                // The request itself is not cancelled at the end of the run: it finishes and counts, so the last
                // requests are not turned into errors.
                await operation(CancellationToken.None);
                Latency.RecordSince(startTimestamp);
                timings?.Enqueue(new RequestTiming(
                    _wallAtStart + Stopwatch.GetElapsedTime(_ticksAtStart, startTimestamp),
                    Stopwatch.GetElapsedTime(startTimestamp).TotalMilliseconds));
            }
            catch (Exception e) when (!stop.IsCancellationRequested || e is not OperationCanceledException)
            {
                Errors.AddOrUpdate(classify(e), 1, static (_, n) => n + 1);
            }
            finally
            {
                Interlocked.Decrement(ref _inFlight);
            }
        }
    }
}
