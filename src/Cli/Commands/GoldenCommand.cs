using System.CommandLine;
using SelfDissonance.Cli.Csv;
using SelfDissonance.Cli.Output;
using SelfDissonance.Client.Contracts;

namespace SelfDissonance.Cli.Commands;

/// <summary><c>sdctl golden TASK FILE.csv [--replace]</c>: adds labeled rows to the golden holdout, or replaces it.</summary>
internal static class GoldenCommand
{
    public static Command Create(CliApp app)
    {
        var task = Arguments.Task();
        var file = new Argument<FileInfo>("file") { Description = "CSV: the task's feature columns and a label column" };
        var replace = new Option<bool>("--replace") { Description = "Replace the holdout with these rows (at least 10) instead of adding them" };
        var command = new Command("golden", "Add rows to a task's golden holdout, or replace it (after a drift the old concept's holdout goes stale); production is re-scored on it")
        {
            task, file, replace,
        };
        command.SetAction(app.Handler(async (ctx, parse, ct) =>
        {
            var id = parse.GetRequiredValue(task);
            var path = parse.GetRequiredValue(file).FullName;
            var definition = await ctx.Client.GetTaskAsync(id, ct);
            var rows = EpisodeCsv.Read(path, definition.Features, "label", limit: null, out var hasLabels);
            if (!hasLabels || rows.Any(r => r.Label is null))
            {
                throw new UsageException($"{path} needs a label on every row (a 'label' column): golden rows are ground truth.");
            }

            var result = await ctx.Client.SetGoldenAsync(id, new GoldenRequest([.. rows.Select(r => new LabeledRow(r.Features, r.Label))], parse.GetValue(replace) ? "replace" : "add"), ct);
            if (ctx.Json)
            {
                ctx.WriteJson(result);
                return ExitCodes.Ok;
            }

            ctx.Console.Write(Tables.KeyValues($"golden holdout of {id}",
            [
                ("revision", result.Revision.ToString(System.Globalization.CultureInfo.InvariantCulture)),
                ("rows", $"{Formats.Count(result.GoldenRows)} ({result.Mode})"),
                ("proposer", result.Proposer is { } p ? $"{Formats.Version(p.Version)} re-scored: golden accuracy {Formats.Percent(p.GoldenAccuracy)}" : "-"),
                ("critic", result.Critic is { } c ? $"{Formats.Version(c.Version)} re-scored: golden accuracy {Formats.Percent(c.GoldenAccuracy)}" : "-"),
            ]));
            return ExitCodes.Ok;
        }));
        return command;
    }
}
