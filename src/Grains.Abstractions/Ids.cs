using System.Text.RegularExpressions;

namespace SelfDissonance;

/// <summary>
/// Identifier rules shared by the gateway, the grains and the SDK. They keep ids safe in URLs, file names and
/// storage keys: no slashes, no "..", no whitespace or control characters.
/// </summary>
public static partial class Ids
{
    public const string TaskIdRule = "1-64 characters: letters, digits, '-' or '_', starting with a letter or digit";
    public const string EpisodeIdRule = "1-128 characters: letters, digits, '-', '_', '.' or ':', starting with a letter or digit, without '..'";
    public const string FeatureNameRule = "1-64 characters: letters, digits, '_', '.' or '-', starting with a letter or '_'";
    public const string ClassNameRule = "1-64 printable characters: letters, digits, space, '_', '.', ':' or '-', not starting or ending with a space";

    public static bool IsValidTaskId(string? id) => id is not null && TaskIdPattern().IsMatch(id);

    public static bool IsValidEpisodeId(string? id) => id is not null && EpisodeIdPattern().IsMatch(id) && !id.Contains("..", StringComparison.Ordinal);

    public static bool IsValidFeatureName(string? name) => name is not null && FeatureNamePattern().IsMatch(name);

    public static bool IsValidClassName(string? name) => name is not null && ClassNamePattern().IsMatch(name);

    public static string NewEpisodeId() => Guid.NewGuid().ToString("N");

    /// <summary>A caller's value echoed back in an error: cut short and stripped of control characters.</summary>
    public static string Printable(string value)
    {
        var cleaned = new string([.. value.Take(64).Select(c => char.IsControl(c) ? '?' : c)]);
        return value.Length > 64 ? cleaned + "…" : cleaned;
    }

    [GeneratedRegex("^[A-Za-z0-9][A-Za-z0-9_-]{0,63}\\z")]
    private static partial Regex TaskIdPattern();

    [GeneratedRegex("^[A-Za-z0-9][A-Za-z0-9_.:-]{0,127}\\z")]
    private static partial Regex EpisodeIdPattern();

    [GeneratedRegex("^[A-Za-z_][A-Za-z0-9_.-]{0,63}\\z")]
    private static partial Regex FeatureNamePattern();

    [GeneratedRegex("^[A-Za-z0-9_.:-]([A-Za-z0-9_ .:-]{0,62}[A-Za-z0-9_.:-])?\\z")]
    private static partial Regex ClassNamePattern();
}
