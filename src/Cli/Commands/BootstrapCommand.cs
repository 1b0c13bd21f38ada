using System.CommandLine;
using SelfDissonance.Cli.Output;

namespace SelfDissonance.Cli.Commands;

/// <summary><c>sdctl bootstrap TASK FILE.csv</c>: proposer v1 and critic v1 from a CSV with label and split columns.</summary>
internal static class BootstrapCommand
{
    public static Command Create(CliApp app)
    {
        var task = Arguments.Task();
        var file = new Argument<FileInfo>("file") { Description = "CSV: the task's feature columns, label, and split (train or golden)" };
        var command = new Command("bootstrap", "Train proposer v1 and critic v1 from a CSV file (sent as text/csv)") { task, file };
        command.SetAction(app.Handler(async (ctx, parse, ct) =>
        {
            var path = parse.GetRequiredValue(file);
            if (!path.Exists)
            {
                throw new UsageException($"{path.FullName} does not exist.");
            }

            var result = await ctx.Client.BootstrapFromCsvFileAsync(parse.GetRequiredValue(task), path.FullName, ct);
            if (ctx.Json)
            {
                ctx.WriteJson(result);
                return ExitCodes.Ok;
            }

            ctx.Console.Write(Tables.KeyValues($"bootstrap of {parse.GetRequiredValue(task)}",
            [
                ("proposer", $"{Formats.Version(result.Proposer.Version)} ({result.Proposer.Trainer}), golden accuracy {Formats.Percent(result.Proposer.GoldenAccuracy)}"),
                ("critic", $"{Formats.Version(result.Critic.Version)} ({result.Critic.Trainer}), golden accuracy {Formats.Percent(result.Critic.GoldenAccuracy)}"),
                ("training rows", Formats.Count(result.TrainingRows)),
                ("golden rows", Formats.Count(result.GoldenRows)),
                ("took", Formats.Milliseconds(result.DurationMs)),
            ]));
            return ExitCodes.Ok;
        }));
        return command;
    }
}
