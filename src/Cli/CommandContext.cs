using System.Text.Json;
using SelfDissonance.Cli.Output;
using SelfDissonance.Client;
using Spectre.Console;

namespace SelfDissonance.Cli;

/// <summary>What a command body works with: the SDK client, where to write, and how (tables or JSON).</summary>
internal sealed class CommandContext(ISelfDissonanceClient client, SelfDissonanceClientOptions clientOptions, IAnsiConsole console, TextWriter output, TextWriter error, bool json, CliEnvironment environment)
{
    public ISelfDissonanceClient Client => client;

    /// <summary>The address, API key and timeout the global options gave (for commands that build their own client).</summary>
    public SelfDissonanceClientOptions ClientOptions => clientOptions;

    /// <summary>Human output on stdout (tables, progress). Not used with --json.</summary>
    public IAnsiConsole Console => console;

    public TextWriter Out => output;

    public TextWriter Error => error;

    public bool Json => json;

    public CliEnvironment Environment => environment;

    /// <summary>Whether live output (progress bars) can redraw: a terminal and no --json.</summary>
    public bool Live => !json && environment.OutputIsTerminal;

    /// <summary>The single JSON document of a command.</summary>
    public void WriteJson<T>(T value)
    {
        output.WriteLine(JsonSerializer.Serialize(value, CliJson.Document));
        output.Flush();
    }

    /// <summary>One line of a JSON-lines stream (watch, demo).</summary>
    public void WriteJsonLine<T>(T value)
    {
        output.WriteLine(JsonSerializer.Serialize(value, CliJson.Line));
        output.Flush();
    }

    /// <summary>A plain line of human output, flushed at once (watch and demo lines are read as they come).</summary>
    public void WriteLine(string line)
    {
        output.WriteLine(line);
        output.Flush();
    }

    public void Warn(string message)
    {
        error.WriteLine("warning: " + message);
        error.Flush();
    }
}
