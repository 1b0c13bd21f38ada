using System.CommandLine;
using SelfDissonance.Cli.Output;
using SelfDissonance.Cli.Policy;

namespace SelfDissonance.Cli.Commands;

/// <summary><c>sdctl policy get|set</c>.</summary>
internal static class PolicyCommands
{
    public static Command Create(CliApp app)
    {
        var command = new Command("policy", "Read or change a task's policy");
        command.Subcommands.Add(GetCommand(app));
        command.Subcommands.Add(SetCommand(app));
        return command;
    }

    private static Command GetCommand(CliApp app)
    {
        var task = Arguments.Task();
        var command = new Command("get", "Show the policy") { task };
        command.SetAction(app.Handler(async (ctx, parse, ct) =>
        {
            var id = parse.GetRequiredValue(task);
            var policy = await ctx.Client.GetPolicyAsync(id, ct);
            if (ctx.Json)
            {
                ctx.WriteJson(policy);
            }
            else
            {
                ctx.Console.Write(Tables.Policy(policy, $"policy of {id}"));
            }

            return ExitCodes.Ok;
        }));
        return command;
    }

    private static Command SetCommand(CliApp app)
    {
        var task = Arguments.Task();
        var assignments = new Argument<string[]>("name=value") { Description = $"Fields to change ({PolicyFields.Names}); the others keep their value", Arity = ArgumentArity.OneOrMore };
        var reason = new Option<string?>("--reason") { Description = "Why, recorded in the policy history (at most 200 characters)", HelpName = "text" };
        var command = new Command("set", "Change some policy fields (validated by the service)") { task, assignments, reason };
        command.SetAction(app.Handler(async (ctx, parse, ct) =>
        {
            var id = parse.GetRequiredValue(task);
            var given = parse.GetRequiredValue(assignments);
            var update = PolicyFields.Parse(given, out var changed);
            var policy = await ctx.Client.UpdatePolicyAsync(id, update, parse.GetValue(reason), ct);
            if (ctx.Json)
            {
                ctx.WriteJson(policy);
            }
            else
            {
                ctx.Console.Write(Tables.Policy(policy, $"policy of {id} (* changed)", changed));
            }

            return ExitCodes.Ok;
        }));
        return command;
    }
}
