using System.Collections.Immutable;

namespace SelfDissonance.Safety;

/// <summary>Allow or deny learning from an episode, with every reason that applied.</summary>
[GenerateSerializer, Immutable]
public sealed record GateVerdict(
    [property: Id(0)] bool Allowed,
    [property: Id(1)] ImmutableArray<string> Reasons,
    [property: Id(2)] double MaxZScore)
{
    public static GateVerdict Allow(double maxZ) => new(true, [], maxZ);
}
