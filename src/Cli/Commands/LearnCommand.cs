using System.CommandLine;
using SelfDissonance.Cli.Output;
using SelfDissonance.Client.Contracts;
using Spectre.Console;

namespace SelfDissonance.Cli.Commands;

/// <summary><c>sdctl learn TASK</c>: one learning cycle now.</summary>
internal static class LearnCommand
{
    public static Command Create(CliApp app)
    {
        var task = Arguments.Task();
        var command = new Command("learn", "Run a learning cycle now and show its outcome") { task };
        command.SetAction(app.Handler(async (ctx, parse, ct) =>
        {
            var result = await ctx.Client.LearnAsync(parse.GetRequiredValue(task), ct);
            if (ctx.Json)
            {
                ctx.WriteJson(result);
                return ExitCodes.Ok;
            }

            ctx.WriteLine(Describe(result));
            var candidates = new[] { result.Proposer, result.Critic }.OfType<CandidateResponse>().ToList();
            if (candidates.Count > 0)
            {
                var table = new Table { Border = TableBorder.Rounded };
                table.AddColumns("role", "outcome", "version", "model", "golden acc", "production golden", "KL plain", "KL step", "step", "labeled rows", "pseudo rows", "reasons");
                foreach (var c in candidates)
                {
                    table.AddRow(
                        c.Role,
                        c.Outcome,
                        Formats.Version(c.Version),
                        Markup.Escape(c.Trainer ?? "-"),
                        Formats.Percent(c.GoldenAccuracy),
                        $"{Formats.Percent(c.ProductionGoldenAccuracy)} ({Formats.Version(c.ProductionVersion)})",
                        Formats.Number(c.PlainKl),
                        Formats.Number(c.KlFromProduction),
                        Formats.Number(c.Step),
                        Formats.Count(c.LabeledRows),
                        Formats.Count(c.PseudoRows),
                        Markup.Escape(Formats.List(c.Reasons)));
                }

                ctx.Console.Write(table);
            }

            return ExitCodes.Ok;
        }));
        return command;
    }

    public static string Describe(LearnResponse result)
    {
        var line = $"cycle {result.Cycle}: {result.Outcome}";
        if (result.Reasons.Count > 0)
        {
            line += $" ({string.Join(", ", result.Reasons)})";
        }

        line += $", {Formats.Count(result.NewLabeledRows)} new labeled rows, {Formats.Milliseconds(result.DurationMs)}";
        if (result.Lambda is { } lambda)
        {
            line += $", lambda {Formats.Number(lambda.Before)} -> {Formats.Number(lambda.After)}";
        }

        return line;
    }
}
