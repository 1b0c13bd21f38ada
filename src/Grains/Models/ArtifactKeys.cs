using System.Text.RegularExpressions;

namespace SelfDissonance.Models;

/// <summary>Artifact naming. Models and datasets are content-addressed, so a key is only ever written with one content.</summary>
public static partial class ArtifactKeys
{
    public static string Model(string taskId, ModelRole role, string sha256) => $"tasks/{taskId}/models/{role.ToWire()}/{sha256}.zip";

    public static string Golden(string taskId, string sha256) => $"tasks/{taskId}/datasets/golden-{sha256}.json";

    public static string Segment(string taskId, string sha256) => $"tasks/{taskId}/datasets/segment-{sha256}.json";

    /// <summary>Keys are relative paths of safe segments: no "..", no leading slash, no backslash.</summary>
    public static bool IsValid(string key) => KeyPattern().IsMatch(key) && !key.Split('/').Any(s => s is "." or "..");

    [GeneratedRegex("^[A-Za-z0-9_.-]+(/[A-Za-z0-9_.-]+)*\\z")]
    private static partial Regex KeyPattern();
}
