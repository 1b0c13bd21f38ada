using System.CommandLine;
using SelfDissonance.Cli.Output;
using SelfDissonance.Client.Contracts;

namespace SelfDissonance.Cli.Commands;

/// <summary><c>sdctl watch TASK</c>: live events, one line each, until Ctrl+C.</summary>
internal static class WatchCommand
{
    private static readonly string[] Kinds = [TaskEventKinds.Episode, TaskEventKinds.Promotion, TaskEventKinds.Rollback, TaskEventKinds.Cycle, TaskEventKinds.Drift];

    public static Command Create(CliApp app)
    {
        var task = Arguments.Task();
        var kinds = Arguments.List("--kinds", $"Only these kinds: {string.Join(",", Kinds)} [default: all]", "kinds");
        kinds.Validators.Add(r =>
        {
            var unknown = (r.GetValueOrDefault<string[]>() ?? []).Where(k => !Kinds.Contains(k, StringComparer.Ordinal)).ToList();
            if (unknown.Count > 0)
            {
                r.AddError($"--kinds: unknown kind(s) {string.Join(", ", unknown)}; the kinds are {string.Join(", ", Kinds)}.");
            }
        });
        var command = new Command("watch", "Print a task's live events (episodes, promotions, rollbacks, learning cycles) until Ctrl+C") { task, kinds };
        command.SetAction(app.Handler(async (ctx, parse, ct) =>
        {
            var wanted = parse.GetValue(kinds) is { Length: > 0 } k ? k.ToHashSet(StringComparer.Ordinal) : null;
            var id = parse.GetRequiredValue(task);
            // Fails fast with task_not_found instead of subscribing to a task that does not exist.
            await ctx.Client.GetTaskAsync(id, ct);
            if (!ctx.Json)
            {
                ctx.Error.WriteLine($"watching {id} ({(wanted is null ? "all events" : string.Join(",", wanted))}); Ctrl+C to stop");
                ctx.Error.Flush();
            }

            await foreach (var e in ctx.Client.WatchAsync(id, ct))
            {
                if (wanted is not null && !wanted.Contains(e.Kind))
                {
                    continue;
                }

                if (ctx.Json)
                {
                    ctx.WriteJsonLine(e);
                }
                else
                {
                    ctx.WriteLine(EventLines.Format(e));
                }
            }

            // WatchAsync ends only by cancellation, which the handler reports as exit 130.
            return ExitCodes.Ok;
        }));
        return command;
    }
}
