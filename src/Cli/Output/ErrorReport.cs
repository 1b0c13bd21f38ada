using SelfDissonance.Client;

namespace SelfDissonance.Cli.Output;

/// <summary>Errors on stderr, one form for all commands: <c>error: title (reason) detail</c>, then the problem's field errors.</summary>
internal static class ErrorReport
{
    public static void Write(TextWriter error, SelfDissonanceException e)
    {
        var line = "error: " + (e.Title ?? "The request failed.") + $" ({e.Reason})";
        if (!string.IsNullOrEmpty(e.Detail))
        {
            line += " " + e.Detail;
        }

        error.WriteLine(line);
        foreach (var field in e.Errors)
        {
            error.WriteLine(field.Allowed is null ? $"  {field.Field}: {field.Message}" : $"  {field.Field}: {field.Message} (allowed: {field.Allowed})");
        }

        if (!string.IsNullOrEmpty(e.TraceId))
        {
            error.WriteLine($"  trace id: {e.TraceId}");
        }

        error.Flush();
    }

    public static void Usage(TextWriter error, string message)
    {
        error.WriteLine("error: " + message);
        error.Flush();
    }

    /// <summary>4xx: the service refused; anything else (no answer, 5xx, an unreadable answer) is the service being unavailable.</summary>
    public static int ExitCode(SelfDissonanceException e) => e.Status is >= 400 and < 500 ? ExitCodes.Refused : ExitCodes.Unavailable;
}
