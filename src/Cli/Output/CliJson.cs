using System.Text.Json;
using System.Text.Json.Serialization;

namespace SelfDissonance.Cli.Output;

/// <summary>How --json output is written: camelCase like the API, nulls kept so every field of a document is always there.</summary>
internal static class CliJson
{
    public static JsonSerializerOptions Document { get; } = new(JsonSerializerDefaults.Web)
    {
        WriteIndented = true,
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
    };

    public static JsonSerializerOptions Line { get; } = new(JsonSerializerDefaults.Web)
    {
        WriteIndented = false,
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
    };
}
