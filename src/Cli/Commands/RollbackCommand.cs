using System.CommandLine;
using SelfDissonance.Cli.Output;

namespace SelfDissonance.Cli.Commands;

/// <summary>
/// <c>sdctl rollback TASK ROLE</c>: production back to the previous version. It changes what every silo serves, so it
/// asks first; without a terminal to ask on, --yes is required.
/// </summary>
internal static class RollbackCommand
{
    public static Command Create(CliApp app)
    {
        var task = Arguments.Task();
        var role = new Argument<string>("role") { Description = "proposer or critic" };
        role.AcceptOnlyFromAmong("proposer", "critic");
        var reason = new Option<string?>("--reason") { Description = "Why, recorded in the production history (at most 200 characters)", HelpName = "text" };
        var yes = new Option<bool>("--yes", "-y") { Description = "Do not ask for confirmation" };
        var command = new Command("rollback", "Roll a role's production back to its previous version") { task, role, reason, yes };
        command.SetAction(app.Handler(async (ctx, parse, ct) =>
        {
            var id = parse.GetRequiredValue(task);
            var which = parse.GetRequiredValue(role);
            if (!parse.GetValue(yes) && !await ConfirmAsync(ctx, id, which, ct))
            {
                return ExitCodes.Usage;
            }

            var result = await ctx.Client.RollbackAsync(id, which, parse.GetValue(reason), ct);
            if (ctx.Json)
            {
                ctx.WriteJson(result);
                return ExitCodes.Ok;
            }

            ctx.WriteLine($"{result.Role} of {id}: production {Formats.Version(result.From)} -> {Formats.Version(result.Production.Version)} " +
                $"(golden accuracy {Formats.Percent(result.Production.GoldenAccuracy)}, stage {result.Production.Stage})");
            return ExitCodes.Ok;
        }));
        return command;
    }

    private static async Task<bool> ConfirmAsync(CommandContext ctx, string task, string role, CancellationToken ct)
    {
        if (!ctx.Environment.InputIsTerminal)
        {
            ErrorReport.Usage(ctx.Error, $"rollback changes what {task} serves and stdin is not a terminal to confirm on; pass --yes to roll the {role} back.");
            return false;
        }

        // Showing the current version first lets the person check they are rolling back what they think they are.
        var models = await ctx.Client.ListModelsAsync(task, ct);
        var current = role == "proposer" ? models.Proposer.Production : models.Critic.Production;
        ctx.Error.Write($"Roll the {role} of {task} back from production {Formats.Version(current)} to its previous version? [y/N] ");
        ctx.Error.Flush();
        var answer = (await ctx.Environment.Input.ReadLineAsync(ct))?.Trim();
        if (answer is not null && (answer.Equals("y", StringComparison.OrdinalIgnoreCase) || answer.Equals("yes", StringComparison.OrdinalIgnoreCase)))
        {
            return true;
        }

        ErrorReport.Usage(ctx.Error, "rollback not confirmed; nothing changed.");
        return false;
    }
}
