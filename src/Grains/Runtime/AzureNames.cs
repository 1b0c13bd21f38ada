using System.Text;

namespace SelfDissonance.Runtime;

/// <summary>
/// Blob container and queue names derived from the service id, so several services can share one storage account
/// (container and queue names: 3-63 lowercase letters, digits and single hyphens, starting with a letter or digit).
/// Tables need no such names: Orleans' Table providers partition their rows by service and cluster id.
/// </summary>
public static class AzureNames
{
    public static string Container(string serviceId, string purpose) => Name(serviceId, purpose);

    /// <summary>What every container and queue name of <paramref name="serviceId"/> starts with (for listings).</summary>
    public static string Prefix(string serviceId) => Name(serviceId, "x")[..^1];

    /// <summary>The queues of one stream provider: <c>{service}-{provider}-{i}</c>.</summary>
    public static List<string> Queues(string serviceId, string provider, int count) =>
        [.. Enumerable.Range(0, count).Select(i => Name(serviceId, $"{provider}-{i}"))];

    private static string Name(string serviceId, string suffix)
    {
        var tail = Clean(suffix);
        var head = Clean(serviceId);
        // Room for the suffix: the service id part is shortened, never the purpose (which makes names distinct).
        head = head[..Math.Min(head.Length, 62 - tail.Length)].Trim('-');
        var name = $"{(head.Length == 0 ? "sd" : head)}-{tail}";
        return name.Length < 3 ? name.PadRight(3, '0') : name;
    }

    private static string Clean(string value)
    {
        var text = new StringBuilder(value.Length);
        foreach (var c in value.ToLowerInvariant())
        {
            var ok = c is >= 'a' and <= 'z' or >= '0' and <= '9';
            if (ok || (text.Length > 0 && text[^1] != '-'))
            {
                text.Append(ok ? c : '-');
            }
        }

        return text.ToString().Trim('-');
    }
}
