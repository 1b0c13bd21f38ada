using System.CommandLine;
using SelfDissonance.Cli.Output;
using SelfDissonance.Client.Contracts;
using Spectre.Console;

namespace SelfDissonance.Cli.Commands;

/// <summary><c>sdctl models TASK</c>: every version of both roles, production marked.</summary>
internal static class ModelsCommand
{
    public static Command Create(CliApp app)
    {
        var task = Arguments.Task();
        var command = new Command("models", "List the model versions per role with lineage; * marks production, c the canary") { task };
        command.SetAction(app.Handler(async (ctx, parse, ct) =>
        {
            var models = await ctx.Client.ListModelsAsync(parse.GetRequiredValue(task), ct);
            if (ctx.Json)
            {
                ctx.WriteJson(models);
                return ExitCodes.Ok;
            }

            ctx.Console.Write(Table("proposer", models.Proposer));
            ctx.Console.Write(Table("critic", models.Critic));
            return ExitCodes.Ok;
        }));
        return command;
    }

    public static Table Table(string role, RoleModelsResponse models)
    {
        var title = $"{role}: production {Formats.Version(models.Production)}" + (models.Canary is { } c ? $", canary {Formats.Version(c)}" : "");
        var table = new Table { Border = TableBorder.Rounded, Title = new TableTitle(title) };
        table.AddColumn("");
        table.AddColumns("version", "stage", "golden acc", "live acc", "live n", "KL from parent", "rows", "parent", "created");
        foreach (var v in models.Versions)
        {
            var mark = v.Version == models.Production ? "*" : v.Version == models.Canary ? "c" : "";
            table.AddRow(mark, Formats.Version(v.Version), v.Stage, Formats.Percent(v.GoldenAccuracy), Formats.Percent(v.LiveAccuracy), Formats.Count(v.LiveSamples),
                Formats.Number(v.KlFromParent), Formats.Count(v.Rows), Formats.Version(v.Parent), Formats.Time(v.Created));
        }

        return table;
    }
}
