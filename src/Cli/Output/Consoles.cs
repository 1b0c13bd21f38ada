using Spectre.Console;

namespace SelfDissonance.Cli.Output;

/// <summary>Spectre consoles bound to the writers sdctl was given, so tests can read what a person would see.</summary>
internal static class Consoles
{
    // Off a terminal nothing wraps lines for us; a wide virtual width keeps table rows on one line for pipes and tests.
    private const int PipeWidth = 160;

    public static IAnsiConsole Create(TextWriter writer, bool terminal, bool colors)
    {
        var console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Ansi = terminal && colors ? AnsiSupport.Detect : AnsiSupport.No,
            ColorSystem = terminal && colors ? ColorSystemSupport.Detect : ColorSystemSupport.NoColors,
            Interactive = terminal ? InteractionSupport.Detect : InteractionSupport.No,
            Out = new AnsiConsoleOutput(writer),
        });
        if (!terminal)
        {
            console.Profile.Width = PipeWidth;
        }

        return console;
    }
}
