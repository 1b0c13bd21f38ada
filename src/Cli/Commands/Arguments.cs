using System.CommandLine;
using System.CommandLine.Parsing;

namespace SelfDissonance.Cli.Commands;

/// <summary>Arguments and options several commands share.</summary>
internal static class Arguments
{
    public static Argument<string> Task() => new("task") { Description = "Task id" };

    /// <summary>A list option that takes <c>a,b</c>, <c>a b</c> or the option repeated.</summary>
    public static Option<string[]> List(string name, string description, string helpName) => new(name)
    {
        Description = description,
        HelpName = helpName,
        AllowMultipleArgumentsPerToken = true,
        CustomParser = SplitCommas,
    };

    public static string[] SplitCommas(ArgumentResult result) =>
        [.. result.Tokens.SelectMany(t => t.Value.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))];

    public static Option<int> Positive(string name, string description, int defaultValue, int max = 1_000_000_000)
    {
        var option = new Option<int>(name) { Description = description, HelpName = "n", DefaultValueFactory = _ => defaultValue };
        option.Validators.Add(r =>
        {
            var value = r.GetValueOrDefault<int>();
            if (value < 1 || value > max)
            {
                r.AddError($"{name} must be between 1 and {max} (got {value}).");
            }
        });
        return option;
    }
}
