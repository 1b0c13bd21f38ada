using System.Collections.Immutable;
using Microsoft.Extensions.Logging;

namespace SelfDissonance.Learning;

/// <summary>
/// Every kept cycle goes to the task's durable cycle log (<see cref="ICycleLogGrain"/>), after the cycle's state write and
/// before its cycle event: whoever reads GET /v1/tasks/{task}/cycles on the event finds the cycle there.
/// </summary>
public sealed partial class LearnerGrain
{
    /// <summary>Whether the log has every cycle this activation kept; until then an append also sends the recent cycles in state.</summary>
    private bool _cycleLogCurrent;

    /// <summary>
    /// Never fails the cycle: a failed append is logged, and the next one sends the recent cycles kept in grain state
    /// again (as does the first of an activation, which fills the log of a task older than it), idempotent by cycle number.
    /// </summary>
    private async Task RecordCycleAsync(LearningCycleResult result)
    {
        try
        {
            var recent = state.State.RecentCycles;
            ImmutableArray<LearningCycleResult> cycles = _cycleLogCurrent || recent.IsEmpty
                ? [result]
                : [.. recent.Where(c => c.Cycle != result.Cycle), result];
            await GrainFactory.GetGrain<ICycleLogGrain>(TaskId).AppendAsync(cycles);
            _cycleLogCurrent = true;
        }
        catch (Exception e)
        {
            _cycleLogCurrent = false;
            LogCycleLogFailed(logger, e, TaskId, result.Cycle);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Task {Task}: recording learning cycle {Cycle} in the cycle log failed; the next cycle's record sends it again")]
    private static partial void LogCycleLogFailed(ILogger logger, Exception exception, string task, long cycle);
}
