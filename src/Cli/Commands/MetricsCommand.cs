using System.CommandLine;
using SelfDissonance.Cli.Output;
using SelfDissonance.Client.Contracts;
using Spectre.Console;

namespace SelfDissonance.Cli.Commands;

/// <summary><c>sdctl metrics TASK</c>.</summary>
internal static class MetricsCommand
{
    public static Command Create(CliApp app)
    {
        var task = Arguments.Task();
        var command = new Command("metrics", "Show a task's metrics: episodes, gate blocks, dissonance, lambda, budget, accuracy per version") { task };
        command.SetAction(app.Handler(async (ctx, parse, ct) =>
        {
            var id = parse.GetRequiredValue(task);
            var m = await ctx.Client.GetMetricsAsync(id, ct);
            if (ctx.Json)
            {
                ctx.WriteJson(m);
                return ExitCodes.Ok;
            }

            ctx.Console.Write(Tables.KeyValues($"metrics of {id}",
            [
                ("episodes", Formats.Count(m.Episodes)),
                ("learnable", Formats.Count(m.Learnable)),
                ("blocked", m.BlockedByReason.Count == 0 ? "0" : string.Join(", ", m.BlockedByReason.Select(b => $"{b.Key} {Formats.Count(b.Value)}"))),
                ("mean dissonance", Formats.Number(m.MeanDissonance, "0.000")),
                ("dissonance histogram (0.1 buckets)", string.Join(" ", m.DissonanceHistogram.Select(Formats.Count))),
                ("lambda", Formats.Number(m.Lambda)),
                ("budget left / per hour", $"{Formats.Count(m.BudgetLeft)} / {Formats.Count(m.BudgetPerHour)}"),
                ("learner rows (labeled / unlabeled / pending)", $"{Formats.Count(m.Learner.LabeledRows)} / {Formats.Count(m.Learner.UnlabeledEpisodes)} / {Formats.Count(m.Learner.PendingLabeled)}"),
                ("learner events / duplicates / cycles", $"{Formats.Count(m.Learner.EventsConsumed)} / {Formats.Count(m.Learner.DuplicatesIgnored)} / {Formats.Count(m.Learner.Cycles)}"),
            ]));
            ctx.Console.Write(Accuracy("proposer", m.Proposer));
            ctx.Console.Write(Accuracy("critic", m.Critic));
            return ExitCodes.Ok;
        }));
        return command;
    }

    private static Table Accuracy(string role, IReadOnlyList<VersionAccuracyResponse> versions)
    {
        var table = new Table { Border = TableBorder.Rounded, Title = new TableTitle($"{role} accuracy") };
        table.AddColumns("version", "stage", "golden acc", "live acc", "live n");
        foreach (var v in versions)
        {
            table.AddRow(Formats.Version(v.Version), v.Stage, Formats.Percent(v.GoldenAccuracy), Formats.Percent(v.LiveAccuracy), Formats.Count(v.LiveSamples));
        }

        return table;
    }
}
