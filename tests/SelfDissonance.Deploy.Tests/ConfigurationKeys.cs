using System.Text.RegularExpressions;

namespace SelfDissonance.Deploy.Tests;

/// <summary>
/// The configuration keys the README's tables document (first column), e.g. `SelfDissonance:Silo:SiloPort` /
/// `GatewayPort`, where a bare name continues the section of the key before it.
/// </summary>
public static partial class ConfigurationKeys
{
    public static IReadOnlySet<string> FromReadme()
    {
        var keys = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        foreach (var line in File.ReadLines(Path.Combine(RepoPaths.Root, "README.md")).Where(l => l.StartsWith("| `", StringComparison.Ordinal)))
        {
            var firstCell = line.Split('|')[1];
            string? section = null;
            foreach (Match m in Quoted().Matches(firstCell))
            {
                var token = m.Groups[1].Value;
                if (token.Contains(':', StringComparison.Ordinal))
                {
                    keys.Add(token);
                    section = token[..token.LastIndexOf(':')];
                }
                else if (section is not null && BareName().IsMatch(token))
                {
                    keys.Add($"{section}:{token}");
                }
            }
        }

        return keys;
    }

    /// <summary>An environment variable name as a configuration key (`__` is the section separator).</summary>
    public static string FromEnvironmentName(string name) => name.Replace("__", ":", StringComparison.Ordinal);

    [GeneratedRegex("`([^`]+)`")]
    private static partial Regex Quoted();

    [GeneratedRegex("^[A-Za-z][A-Za-z0-9]*$")]
    private static partial Regex BareName();
}
