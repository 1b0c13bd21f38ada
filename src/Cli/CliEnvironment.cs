namespace SelfDissonance.Cli;

/// <summary>
/// What sdctl reads from its surroundings besides the arguments: stdin (for confirmations), whether stdin and stdout are
/// terminals, and environment variables. Tests pass their own; <see cref="FromConsole"/> is the real process.
/// </summary>
/// <param name="Input">Where confirmations are read from.</param>
/// <param name="InputIsTerminal">Whether a person can answer a prompt on <paramref name="Input"/>.</param>
/// <param name="OutputIsTerminal">Whether stdout is a terminal: colors, live progress bars and the terminal's width.</param>
/// <param name="GetVariable">Reads an environment variable (SD_URL, SD_API_KEY, NO_COLOR).</param>
public sealed record CliEnvironment(TextReader Input, bool InputIsTerminal, bool OutputIsTerminal, Func<string, string?> GetVariable)
{
    /// <summary>No terminal, no stdin, no environment variables: what a script or a test sees.</summary>
    public static CliEnvironment NonInteractive { get; } = new(TextReader.Null, false, false, _ => null);

    public static CliEnvironment FromConsole() =>
        new(Console.In, !Console.IsInputRedirected, !Console.IsOutputRedirected, Environment.GetEnvironmentVariable);
}
