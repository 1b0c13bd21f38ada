using System.Globalization;

namespace SelfDissonance.Deploy.Tests;

/// <summary>
/// A node of YamlDotNet's untyped object graph (mappings, sequences, scalar strings) that remembers its path, so a
/// missing field fails a test with where it was expected rather than a null reference.
/// </summary>
public sealed class Node(object? value, string path)
{
    public string Path { get; } = path;

    public bool Exists => value is not null;

    public Node this[string key] =>
        new(value is Dictionary<object, object> map && map.TryGetValue(key, out var child) ? child : null, $"{Path}.{key}");

    /// <summary>The scalar, or null when absent.</summary>
    public string? Text => value as string;

    public string String => Text ?? throw new InvalidOperationException($"{Path} is missing (or not a scalar).");

    public int Int => int.Parse(String, NumberStyles.Integer, CultureInfo.InvariantCulture);

    public bool? Bool => Text is null ? null : bool.Parse(Text);

    public IReadOnlyList<Node> Items =>
        value is List<object> list ? [.. list.Select((item, i) => new Node(item, $"{Path}[{i}]"))] : [];

    public IReadOnlyDictionary<string, string> Strings =>
        value is Dictionary<object, object> map
            ? map.ToDictionary(e => (string)e.Key, e => e.Value as string ?? "", StringComparer.Ordinal)
            : new Dictionary<string, string>(StringComparer.Ordinal);

    public override string ToString() => $"{Path} = {value ?? "(missing)"}";
}
