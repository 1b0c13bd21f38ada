using System.CommandLine;
using System.CommandLine.Parsing;
using System.Globalization;

namespace SelfDissonance.Cli;

/// <summary>The options every command takes (recursive on the root command).</summary>
internal sealed class GlobalOptions
{
    public const string DefaultUrl = "http://127.0.0.1:5080";
    public const string UrlVariable = "SD_URL";
    public const string ApiKeyVariable = "SD_API_KEY";
    public const string ApiKeyFileVariable = "SD_API_KEY_FILE";

    // The environment is read when a command runs, not as an option default: help would print a default, API key included.
    public GlobalOptions()
    {
        Url = new Option<string?>("--url")
        {
            Description = $"The gateway's address [default: env {UrlVariable}, else {DefaultUrl}]",
            HelpName = "address",
            Recursive = true,
        };
        ApiKey = new Option<string?>("--api-key")
        {
            Description = $"API key, sent as X-Api-Key [default: env {ApiKeyVariable}]",
            HelpName = "key",
            Recursive = true,
        };
        ApiKeyFile = new Option<string?>("--api-key-file")
        {
            Description = $"A file holding the API key, like the silo's generated src/Silo/.data/admin.key [default: env {ApiKeyFileVariable}]",
            HelpName = "path",
            Recursive = true,
        };
        Json = new Option<bool>("--json")
        {
            Description = "Machine output on stdout: one JSON document (camelCase); JSON lines for watch and demo",
            Recursive = true,
        };
        Timeout = new Option<TimeSpan?>("--timeout")
        {
            Description = "Time limit of one request attempt: 30, 30s, 500ms, 2m [default: 30s]",
            HelpName = "duration",
            Recursive = true,
            CustomParser = ParseDuration,
        };
    }

    public Option<string?> Url { get; }

    public Option<string?> ApiKey { get; }

    public Option<string?> ApiKeyFile { get; }

    public Option<bool> Json { get; }

    public Option<TimeSpan?> Timeout { get; }

    public IEnumerable<Option> All => [Url, ApiKey, ApiKeyFile, Json, Timeout];

    public static TimeSpan DefaultTimeout { get; } = TimeSpan.FromSeconds(30);

    private static TimeSpan? ParseDuration(ArgumentResult result)
    {
        var text = result.Tokens.Count > 0 ? result.Tokens[0].Value.Trim() : "";
        if (ParseDuration(text) is { } duration)
        {
            return duration;
        }

        result.AddError($"--timeout must be a duration between 1 ms and 1 h, like 30, 30s, 500ms or 2m (got '{text}').");
        return null;
    }

    /// <summary>30 (seconds), 30s, 500ms, 2m or a TimeSpan (00:00:30), between 1 ms and 1 h; null otherwise.</summary>
    public static TimeSpan? ParseDuration(string text)
    {
        var (number, scale) = text.EndsWith("ms", StringComparison.OrdinalIgnoreCase) ? (text[..^2], 0.001)
            : text.EndsWith('s') ? (text[..^1], 1.0)
            : text.EndsWith('m') ? (text[..^1], 60.0)
            : (text, 1.0);
        if (double.TryParse(number, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) && value * scale is > 0 and <= 3600)
        {
            return TimeSpan.FromSeconds(value * scale);
        }

        if (TimeSpan.TryParse(text, CultureInfo.InvariantCulture, out var span) && span > TimeSpan.Zero && span <= TimeSpan.FromHours(1))
        {
            return span;
        }

        return null;
    }
}
