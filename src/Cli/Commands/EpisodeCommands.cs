using System.CommandLine;

namespace SelfDissonance.Cli.Commands;

/// <summary><c>sdctl episode delete ID</c>: erase an episode from storage and from every later training window.</summary>
internal static class EpisodeCommands
{
    public static Command Create(CliApp app)
    {
        var command = new Command("episode", "Episode operations");
        command.Subcommands.Add(DeleteCommand(app));
        return command;
    }

    private static Command DeleteCommand(CliApp app)
    {
        var id = new Argument<string>("id") { Description = "Episode id" };
        var command = new Command("delete", "Erase an episode: its features and label leave storage and every later training window") { id };
        command.SetAction(app.Handler(async (ctx, parse, ct) =>
        {
            var erased = await ctx.Client.EraseEpisodeAsync(parse.GetRequiredValue(id), ct);
            if (ctx.Json)
            {
                ctx.WriteJson(erased);
                return ExitCodes.Ok;
            }

            ctx.WriteLine(erased.RemovedFromTraining
                ? $"episode {erased.Id} of task {erased.Task} erased; its row left the training data and production is marked for retraining"
                : $"episode {erased.Id} of task {erased.Task} erased (the learner held no row of it)");
            return ExitCodes.Ok;
        }));
        return command;
    }
}
