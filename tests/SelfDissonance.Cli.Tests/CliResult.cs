using System.Text.Json;

namespace SelfDissonance.Cli.Tests;

/// <summary>What one sdctl run produced: exit code, stdout and stderr.</summary>
public sealed record CliResult(int ExitCode, string Out, string Error)
{
    /// <summary>stdout as the one JSON document --json promises (fails the test when it is not exactly one).</summary>
    public JsonElement Json()
    {
        Assert.True(ExitCode == ExitCodes.Ok, $"exit {ExitCode}; stderr: {Error}");
        return JsonDocument.Parse(Out).RootElement.Clone();
    }

    /// <summary>stdout as JSON lines (watch, demo).</summary>
    public List<JsonElement> JsonLines() =>
        [.. Out.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(l => JsonDocument.Parse(l).RootElement.Clone())];

    public override string ToString() => $"exit {ExitCode}\n--- stdout\n{Out}\n--- stderr\n{Error}";
}
