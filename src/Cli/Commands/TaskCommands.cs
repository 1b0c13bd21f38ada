using System.CommandLine;
using SelfDissonance.Cli.Output;
using SelfDissonance.Cli.Policy;
using SelfDissonance.Client.Contracts;
using Spectre.Console;

namespace SelfDissonance.Cli.Commands;

/// <summary><c>sdctl task create|show|list</c>.</summary>
internal static class TaskCommands
{
    public static Command Create(CliApp app)
    {
        var command = new Command("task", "Create, show and list tasks");
        command.Subcommands.Add(CreateCommand(app));
        command.Subcommands.Add(ShowCommand(app));
        command.Subcommands.Add(ListCommand(app));
        return command;
    }

    private static Command CreateCommand(CliApp app)
    {
        var id = new Argument<string>("id") { Description = "Task id: 1-64 letters, digits, '-' or '_'" };
        var features = Arguments.List("--features", "Ordered feature names: x,y", "names");
        features.Required = true;
        var classes = Arguments.List("--classes", "Class names: a,b", "names");
        classes.Required = true;
        var policy = Arguments.List("--policy", $"Policy fields: name=value ... ({PolicyFields.Names})", "name=value");
        var command = new Command("create", "Create a task") { id, features, classes, policy };
        command.SetAction(app.Handler(async (ctx, parse, ct) =>
        {
            var assignments = parse.GetValue(policy) ?? [];
            var request = new CreateTaskRequest(
                parse.GetRequiredValue(id),
                parse.GetRequiredValue(features),
                parse.GetRequiredValue(classes),
                assignments.Length > 0 ? PolicyFields.Parse(assignments) : null);
            var task = await ctx.Client.CreateTaskAsync(request, ct);
            Write(ctx, task, "created");
            return ExitCodes.Ok;
        }));
        return command;
    }

    private static Command ShowCommand(CliApp app)
    {
        var id = Arguments.Task();
        var command = new Command("show", "Show a task: schema, policy, production versions, feature statistics") { id };
        command.SetAction(app.Handler(async (ctx, parse, ct) =>
        {
            Write(ctx, await ctx.Client.GetTaskAsync(parse.GetRequiredValue(id), ct), null);
            return ExitCodes.Ok;
        }));
        return command;
    }

    private static Command ListCommand(CliApp app)
    {
        var command = new Command("list", "List the task ids");
        command.SetAction(app.Handler(async (ctx, parse, ct) =>
        {
            var list = await ctx.Client.ListTasksAsync(ct);
            if (ctx.Json)
            {
                ctx.WriteJson(list);
                return ExitCodes.Ok;
            }

            var table = new Table { Border = TableBorder.Rounded }.AddColumn("task");
            foreach (var task in list.Tasks)
            {
                table.AddRow(Markup.Escape(task));
            }

            ctx.Console.Write(table);
            ctx.WriteLine($"{list.Tasks.Count} task(s)");
            return ExitCodes.Ok;
        }));
        return command;
    }

    private static void Write(CommandContext ctx, TaskResponse task, string? verb)
    {
        if (ctx.Json)
        {
            ctx.WriteJson(task);
            return;
        }

        var title = verb is null ? $"task {task.Id}" : $"task {task.Id} ({verb})";
        ctx.Console.Write(Tables.KeyValues(title,
        [
            ("features", string.Join(", ", task.Features)),
            ("classes", string.Join(", ", task.Classes)),
            ("created", Formats.Time(task.CreatedAt)),
            ("bootstrapped", task.BootstrappedAt is { } at ? Formats.Time(at) : "no"),
            ("golden rows", Formats.Count(task.GoldenRows)),
            ("production proposer", Formats.Version(task.Production.Proposer)),
            ("production critic", Formats.Version(task.Production.Critic)),
            ("canary proposer", Formats.Version(task.Production.ProposerCanary)),
        ]));
        ctx.Console.Write(Tables.Policy(task.Policy, "policy"));
        if (task.FeatureStatistics.Count > 0)
        {
            var stats = new Table { Border = TableBorder.Rounded, Title = new TableTitle("feature statistics (training rows)") };
            stats.AddColumns("feature", "mean", "std dev", "min", "max");
            foreach (var s in task.FeatureStatistics)
            {
                stats.AddRow(Markup.Escape(s.Name), Formats.Number(s.Mean), Formats.Number(s.StdDev), Formats.Number(s.Min), Formats.Number(s.Max));
            }

            ctx.Console.Write(stats);
        }
    }
}
