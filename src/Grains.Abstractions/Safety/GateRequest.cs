using System.Collections.Immutable;

namespace SelfDissonance.Safety;

[GenerateSerializer, Immutable]
public sealed record GateRequest(
    [property: Id(0)] string TaskId,
    [property: Id(1)] ImmutableArray<float> Features,
    [property: Id(2)] string? Label,
    [property: Id(3)] double Dissonance);
