using System.CommandLine;
using SelfDissonance.Cli.Csv;
using SelfDissonance.Cli.Episodes;
using SelfDissonance.Cli.Output;
using Spectre.Console;

namespace SelfDissonance.Cli.Commands;

/// <summary><c>sdctl run TASK FILE.csv</c>: every row of a CSV as a synchronous episode, with progress and a summary.</summary>
internal static class RunCommand
{
    private const string DefaultLabelColumn = "label";

    public static Command Create(CliApp app)
    {
        var task = Arguments.Task();
        var file = new Argument<FileInfo>("file") { Description = "CSV with a header row: the task's feature columns, optionally a label column; other columns are ignored" };
        var labelColumn = new Option<string?>("--label-column") { Description = $"The label column [default: {DefaultLabelColumn}, used when present]", HelpName = "name" };
        var feedback = new Option<bool>("--feedback") { Description = "Send each label as feedback after its episode instead of with it" };
        var concurrency = Arguments.Positive("--concurrency", "Episodes in flight at once", 4, 256);
        var limit = new Option<int?>("--limit") { Description = "Send at most this many rows", HelpName = "n" };
        limit.Validators.Add(r =>
        {
            if (r.GetValueOrDefault<int?>() is < 1)
            {
                r.AddError("--limit must be at least 1.");
            }
        });

        var command = new Command("run", "Stream the rows of a CSV file as episodes (every row, whatever its split column says)")
        {
            task, file, labelColumn, feedback, concurrency, limit,
        };
        command.SetAction(app.Handler(async (ctx, parse, ct) =>
        {
            var id = parse.GetRequiredValue(task);
            var path = parse.GetRequiredValue(file).FullName;
            var explicitLabel = parse.GetValue(labelColumn);
            var asFeedback = parse.GetValue(feedback);
            var inFlight = parse.GetValue(concurrency);

            if (!File.Exists(path))
            {
                throw new UsageException($"{path} does not exist.");
            }

            var definition = await ctx.Client.GetTaskAsync(id, ct);
            var rows = EpisodeCsv.Read(path, definition.Features, explicitLabel ?? DefaultLabelColumn, parse.GetValue(limit), out var hasLabels);
            if (!hasLabels && (explicitLabel is not null || asFeedback))
            {
                throw new UsageException($"{path} has no label column '{explicitLabel ?? DefaultLabelColumn}'{(asFeedback ? ", which --feedback needs" : "")}.");
            }

            var mode = !hasLabels ? LabelMode.None : asFeedback ? LabelMode.Feedback : LabelMode.WithEpisode;
            var tally = new EpisodeTally();
            var completed = false;
            try
            {
                await StreamAsync(ctx, id, rows, mode, inFlight, tally, ct);
                completed = true;
            }
            finally
            {
                // A stream stopped by Ctrl+C or an unreachable service still reports what it did.
                Report(ctx, RunSummary.From(id, path, rows.Count, mode, inFlight, tally, completed), tally);
            }

            return tally.Errors > 0 ? ExitCodes.Refused : ExitCodes.Ok;
        }));
        return command;
    }

    private static async Task StreamAsync(CommandContext ctx, string task, IReadOnlyList<CsvEpisode> rows, LabelMode mode, int concurrency, EpisodeTally tally, CancellationToken ct)
    {
        if (!ctx.Live)
        {
            await EpisodeStreamer.RunAsync(ctx.Client, task, rows, mode, concurrency, tally, null, ct);
            return;
        }

        await ctx.Console.Progress()
            .Columns(new TaskDescriptionColumn { Alignment = Justify.Left }, new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn())
            .StartAsync(async progress =>
            {
                var bar = progress.AddTask(Describe(tally, rows.Count), maxValue: Math.Max(1, rows.Count));
                await EpisodeStreamer.RunAsync(ctx.Client, task, rows, mode, concurrency, tally, () =>
                {
                    bar.Value = tally.Done;
                    bar.Description = Describe(tally, rows.Count);
                }, ct);
                bar.Value = tally.Done;
                bar.Description = Describe(tally, rows.Count);
            });
    }

    private static string Describe(EpisodeTally tally, int total) =>
        Markup.Escape($"{Formats.Count(tally.Done)}/{Formats.Count(total)} rows  {Formats.Number(tally.EpisodesPerSecond, "0")} ep/s  accuracy {Formats.Percent(tally.Accuracy)}  errors {Formats.Count(tally.Errors)}");

    private static void Report(CommandContext ctx, RunSummary summary, EpisodeTally tally)
    {
        foreach (var (reason, example) in tally.FirstErrors)
        {
            ctx.Error.WriteLine($"error: {Formats.Count(summary.ErrorsByReason[reason])} row(s) refused ({reason}), first at {example}");
        }

        if (ctx.Json)
        {
            ctx.WriteJson(summary);
            return;
        }

        static string ByReason(IReadOnlyDictionary<string, long> counts) =>
            counts.Count == 0 ? "" : " (" + string.Join(", ", counts.Select(c => $"{c.Key} {Formats.Count(c.Value)}")) + ")";

        ctx.Console.Write(Tables.KeyValues(summary.Completed ? $"run of {summary.Task}" : $"run of {summary.Task} (stopped early)",
        [
            ("rows", Formats.Count(summary.Rows)),
            ("episodes", Formats.Count(summary.Episodes)),
            ("errors", Formats.Count(summary.Errors) + ByReason(summary.ErrorsByReason)),
            ("labels", summary.Labels switch { "episode" => "sent with the episodes", "feedback" => $"sent as feedback ({Formats.Count(summary.FeedbackSent)})", _ => "none (no label column)" }),
            ("accuracy", summary.Accuracy is { } a ? $"{Formats.Percent(a)} ({Formats.Count(summary.Correct)}/{Formats.Count(summary.Labeled)})" : "-"),
            ("learnable", Formats.Count(summary.Learnable)),
            ("blocked by gate", Formats.Count(summary.Blocked) + ByReason(summary.BlockedByReason)),
            ("throughput", $"{Formats.Number(summary.EpisodesPerSecond, "0.0")} episodes/s over {Formats.Number(summary.ElapsedSeconds, "0.0")} s, concurrency {summary.Concurrency}"),
        ]));
    }
}
