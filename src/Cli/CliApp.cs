using System.CommandLine;
using SelfDissonance.Cli.Commands;
using SelfDissonance.Cli.Output;
using SelfDissonance.Client;

namespace SelfDissonance.Cli;

/// <summary>One run of sdctl: the command tree bound to the writers and environment it was started with.</summary>
internal sealed class CliApp(TextWriter output, TextWriter error, CliEnvironment environment)
{
    public GlobalOptions Global { get; } = new();

    public RootCommand BuildRoot()
    {
        var root = new RootCommand("sdctl: the SelfDissonance command line. Talks to a gateway silo over HTTP API v1.");
        foreach (var option in Global.All)
        {
            root.Options.Add(option);
        }

        root.Subcommands.Add(TaskCommands.Create(this));
        root.Subcommands.Add(BootstrapCommand.Create(this));
        root.Subcommands.Add(GoldenCommand.Create(this));
        root.Subcommands.Add(RunCommand.Create(this));
        root.Subcommands.Add(EpisodeCommands.Create(this));
        root.Subcommands.Add(LearnCommand.Create(this));
        root.Subcommands.Add(ModelsCommand.Create(this));
        root.Subcommands.Add(CyclesCommand.Create(this));
        root.Subcommands.Add(RollbackCommand.Create(this));
        root.Subcommands.Add(PolicyCommands.Create(this));
        root.Subcommands.Add(WatchCommand.Create(this));
        root.Subcommands.Add(MetricsCommand.Create(this));
        root.Subcommands.Add(DemoCommand.Create(this));
        root.Subcommands.Add(BenchCommand.Create(this));
        return root;
    }

    /// <summary>
    /// Wraps a command body: builds the client from the global options, and turns what can go wrong into an error on
    /// stderr and an exit code (<see cref="ExitCodes"/>).
    /// </summary>
    public Func<ParseResult, CancellationToken, Task<int>> Handler(Func<CommandContext, ParseResult, CancellationToken, Task<int>> body) =>
        async (parse, cancellationToken) =>
        {
            try
            {
                var json = parse.GetValue(Global.Json);
                var options = new SelfDissonanceClientOptions
                {
                    BaseAddress = ParseUrl(parse.GetValue(Global.Url) ?? Variable(GlobalOptions.UrlVariable) ?? GlobalOptions.DefaultUrl),
                    ApiKey = ApiKey(parse),
                    Timeout = parse.GetValue(Global.Timeout) ?? GlobalOptions.DefaultTimeout,
                };
                // The SDK enforces a per-attempt timeout itself; HttpClient's own would cut retries short.
                using var http = new HttpClient { Timeout = Timeout.InfiniteTimeSpan };
                var client = new SelfDissonanceHttpClient(http, options);
                var colors = Variable("NO_COLOR") is null;
                var console = Consoles.Create(output, environment.OutputIsTerminal && !json, colors);
                var context = new CommandContext(client, options, console, output, error, json, environment);
                return await body(context, parse, cancellationToken);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return ExitCodes.Cancelled;
            }
            catch (UsageException e)
            {
                ErrorReport.Usage(error, e.Message);
                return ExitCodes.Usage;
            }
            catch (SelfDissonanceException e)
            {
                ErrorReport.Write(error, e);
                return ErrorReport.ExitCode(e);
            }
        };

    /// <summary>--api-key, then --api-key-file, then SD_API_KEY, then SD_API_KEY_FILE: what is on the command line wins.</summary>
    private string? ApiKey(ParseResult parse)
    {
        if (parse.GetValue(Global.ApiKey) is { Length: > 0 } key)
        {
            return key;
        }

        if (parse.GetValue(Global.ApiKeyFile) is { Length: > 0 } file)
        {
            return ReadKeyFile(file, "--api-key-file");
        }

        return Variable(GlobalOptions.ApiKeyVariable)
            ?? (Variable(GlobalOptions.ApiKeyFileVariable) is { } path ? ReadKeyFile(path, GlobalOptions.ApiKeyFileVariable) : null);
    }

    private static string ReadKeyFile(string path, string source)
    {
        try
        {
            var key = File.ReadAllText(path).Trim();
            return key.Length > 0 ? key : throw new UsageException($"{source}: '{path}' is empty.");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new UsageException($"{source}: cannot read '{path}' ({e.Message}). A silo started without SD_ADMIN_KEY writes its admin key to .data/admin.key under its folder (src/Silo/.data/admin.key with dotnet run).");
        }
    }

    private string? Variable(string name) => environment.GetVariable(name) is { Length: > 0 } value ? value : null;

    private static Uri ParseUrl(string? text) =>
        Uri.TryCreate(text, UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttp || uri.Scheme == Uri.UriSchemeHttps)
            ? uri
            : throw new UsageException($"--url must be an absolute http or https address, like {GlobalOptions.DefaultUrl} (got '{text}').");
}
