using System.CommandLine;
using System.Globalization;
using SelfDissonance.Cli.Output;
using SelfDissonance.Client.Contracts;
using Spectre.Console;

namespace SelfDissonance.Cli.Commands;

/// <summary><c>sdctl cycles TASK [--limit N] [--before C]</c>: the task's learning cycles, newest first, one row per candidate.</summary>
internal static class CyclesCommand
{
    public static readonly string[] Columns =
        ["cycle", "trigger", "rows in", "role", "model", "CV", "KL plain", "KL step", "step", "golden before → after", "outcome", "reasons", "duration"];

    public static Command Create(CliApp app)
    {
        var task = Arguments.Task();
        // Ranges are the service's to check (limit 1-500, before from 1): a value out of range exits 1 with invalid_query.
        var limit = new Option<int?>("--limit") { Description = "Cycles per page, 1-500 (default 50)", HelpName = "n" };
        var before = new Option<long?>("--before") { Description = "Only cycles numbered below this one (the previous page's next)", HelpName = "cycle" };
        var command = new Command("cycles", "List the learning cycles, newest first: trigger, rows in, model, CV, KL, step, golden before and after, outcome") { task, limit, before };
        command.SetAction(app.Handler(async (ctx, parse, ct) =>
        {
            var id = parse.GetRequiredValue(task);
            var page = await ctx.Client.GetCyclesAsync(id, parse.GetValue(limit), parse.GetValue(before), ct);
            if (ctx.Json)
            {
                ctx.WriteJson(page);
                return ExitCodes.Ok;
            }

            if (page.Cycles.Count == 0)
            {
                ctx.WriteLine($"{id}: no learning cycles" + (parse.GetValue(before) is { } b ? FormattableString.Invariant($" before cycle {b}") : "") + ".");
                return ExitCodes.Ok;
            }

            ctx.Console.Write(Table(page));
            if (page.Next is { } next)
            {
                ctx.WriteLine(FormattableString.Invariant($"older: sdctl cycles {id} --before {next}"));
            }

            return ExitCodes.Ok;
        }));
        return command;
    }

    public static Table Table(CyclesResponse page)
    {
        var table = new Table { Border = TableBorder.Rounded, Title = new TableTitle($"{page.Task}: learning cycles, newest first") };
        table.AddColumns(Columns);
        foreach (var cycle in page.Cycles)
        {
            foreach (var row in Rows(cycle))
            {
                table.AddRow([.. row.Select(Markup.Escape)]);
            }
        }

        return table;
    }

    /// <summary>The table's cells of a cycle: a row per candidate, or one without a candidate when none was trained.</summary>
    public static IEnumerable<string[]> Rows(CycleRecordResponse cycle)
    {
        var number = cycle.Cycle.ToString(CultureInfo.InvariantCulture);
        var rowsIn = $"{Formats.Count(cycle.NewLabeledRows)} / {Formats.Count(cycle.NewPseudoCandidates)}";
        var duration = Formats.Milliseconds(cycle.DurationMs);
        var candidates = new[] { cycle.Proposer, cycle.Critic }.OfType<CandidateResponse>().ToList();
        if (candidates.Count == 0)
        {
            yield return [number, cycle.Trigger, rowsIn, "-", "-", "-", "-", "-", "-", "-", cycle.Outcome, Formats.List(cycle.Reasons), duration];
            yield break;
        }

        foreach (var c in candidates)
        {
            yield return
            [
                number,
                cycle.Trigger,
                rowsIn,
                c.Role,
                c.Trainer ?? "-",
                Formats.Percent(c.CvAccuracy),
                Formats.Number(c.PlainKl),
                Formats.Number(c.KlFromProduction),
                Formats.Number(c.Step, "0.###"),
                $"{Formats.Percent(c.ProductionGoldenAccuracy)} → {Formats.Percent(c.GoldenAccuracy)}",
                c.Version is { } v ? $"{c.Outcome} ({Formats.Version(v)})" : c.Outcome,
                Formats.List(c.Reasons),
                duration,
            ];
        }
    }
}
