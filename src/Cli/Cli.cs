using System.CommandLine;
using System.CommandLine.Invocation;
using System.CommandLine.Parsing;
using SelfDissonance.Cli.Output;

namespace SelfDissonance.Cli;

/// <summary>The sdctl command line as a function: arguments and writers in, exit code out (see <see cref="ExitCodes"/>).</summary>
public static class Cli
{
    /// <summary>Parses <paramref name="args"/> and runs the command.</summary>
    /// <param name="args">The arguments, without the program name.</param>
    /// <param name="output">stdout: tables, or JSON with --json.</param>
    /// <param name="error">stderr: errors and warnings.</param>
    /// <param name="environment">stdin, terminals and environment variables; none by default (a script's view).</param>
    /// <param name="cancellationToken">Ctrl+C: the command stops and returns <see cref="ExitCodes.Cancelled"/>.</param>
    /// <returns>The exit code.</returns>
    public static async Task<int> RunAsync(string[] args, TextWriter output, TextWriter error, CliEnvironment? environment = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(args);
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(error);
        var app = new CliApp(output, error, environment ?? CliEnvironment.NonInteractive);
        var parse = app.BuildRoot().Parse(args);
        if (parse.Action is ParseErrorAction)
        {
            foreach (var e in parse.Errors)
            {
                ErrorReport.Usage(error, e.Message);
            }

            error.WriteLine($"Run '{CommandPath(parse.CommandResult)} --help' for usage.");
            error.Flush();
            return ExitCodes.Usage;
        }

        try
        {
            // Ctrl+C is the caller's cancellationToken (Program wires it), so the library must not install its own handler.
            return await parse.InvokeAsync(new InvocationConfiguration { Output = output, Error = error, ProcessTerminationTimeout = null, EnableDefaultExceptionHandler = false }, cancellationToken);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            return ExitCodes.Cancelled;
        }
        catch (Exception e)
        {
            error.WriteLine($"error: sdctl failed unexpectedly: {e}");
            error.Flush();
            return ExitCodes.Internal;
        }
    }

    private static string CommandPath(CommandResult? result)
    {
        var names = new List<string>();
        for (var r = result; r is not null; r = r.Parent as CommandResult)
        {
            names.Add(r.Parent is null ? "sdctl" : r.Command.Name);
        }

        names.Reverse();
        return string.Join(' ', names);
    }
}
