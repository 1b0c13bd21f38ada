using System.CommandLine;
using SelfDissonance.Cli.Demo;

namespace SelfDissonance.Cli.Commands;

/// <summary><c>sdctl demo</c>: watch a weak model improve from labeled traffic, against a running silo.</summary>
internal static class DemoCommand
{
    private const string DefaultTask = "moons-demo";

    public static Command Create(CliApp app)
    {
        var task = new Option<string?>("--task") { Description = $"Task id to create [default: {DefaultTask}, with a suffix when taken]", HelpName = "id" };
        var episodes = Arguments.Positive("--episodes", "Labeled episodes to stream", 3000, 1_000_000);
        var rounds = Arguments.Positive("--rounds", "Rounds, each followed by a learning cycle", 6, 1000);
        var concurrency = Arguments.Positive("--concurrency", "Episodes in flight at once", 4, 256);
        var seed = new Option<int>("--seed") { Description = "Seed of the generated data", DefaultValueFactory = _ => 7 };
        var command = new Command("demo", "Create a two-moons task from a small training set, stream labeled episodes in rounds, and show golden accuracy rise")
        {
            task, episodes, rounds, concurrency, seed,
        };
        command.Validators.Add(r =>
        {
            if (r.GetValue(rounds) > r.GetValue(episodes))
            {
                r.AddError("--rounds cannot exceed --episodes.");
            }
        });
        command.SetAction(app.Handler((ctx, parse, ct) =>
        {
            var given = parse.GetValue(task);
            var settings = new DemoSettings(given ?? DefaultTask, given is not null, parse.GetValue(episodes), parse.GetValue(rounds), parse.GetValue(concurrency),
                TrainingRows: 40, GoldenRows: 400, parse.GetValue(seed));
            return new DemoRunner(ctx, settings).RunAsync(ct);
        }));
        return command;
    }
}
