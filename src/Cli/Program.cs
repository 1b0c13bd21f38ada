using SelfDissonance.Cli;

using var cancel = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) =>
{
    // The first Ctrl+C asks the command to stop cleanly (exit 130); a second one ends the process at once.
    if (!cancel.IsCancellationRequested)
    {
        e.Cancel = true;
        cancel.Cancel();
    }
};

return await Cli.RunAsync(args, Console.Out, Console.Error, CliEnvironment.FromConsole(), cancel.Token);
