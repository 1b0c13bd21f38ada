namespace SelfDissonance.Storage;

/// <summary>File names from arbitrary keys (grain keys, task ids) that cannot escape their folder.</summary>
public static class SafeFileName
{
    /// <summary>A reversible file-name encoding: '_' and everything URI-unsafe (including '/') become _XX escapes.</summary>
    public static string Encode(string segment)
    {
        var escaped = Uri.EscapeDataString(segment).Replace("_", "%5F", StringComparison.Ordinal).Replace('%', '_');
        return escaped is "." or ".." ? escaped.Replace(".", "_2E", StringComparison.Ordinal) : escaped;
    }
}
