using System.Collections.Immutable;

namespace SelfDissonance.Tasks;

/// <summary>The schema of a learning problem: ordered feature names and class names.</summary>
[GenerateSerializer, Immutable]
public sealed record TaskDefinition(
    [property: Id(0)] string Id,
    [property: Id(1)] ImmutableArray<string> Features,
    [property: Id(2)] ImmutableArray<string> Classes,
    [property: Id(3)] DateTimeOffset CreatedAt)
{
    public int FeatureCount => Features.Length;

    public int ClassCount => Classes.Length;

    public int ClassIndex(string label) => Classes.IndexOf(label, StringComparer.Ordinal);
}
