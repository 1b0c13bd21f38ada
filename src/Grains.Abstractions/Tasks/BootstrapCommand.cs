using System.Collections.Immutable;

namespace SelfDissonance.Tasks;

[GenerateSerializer, Immutable]
public sealed record BootstrapCommand(
    [property: Id(0)] ImmutableArray<LabeledExample> Training,
    [property: Id(1)] ImmutableArray<LabeledExample> Golden,
    [property: Id(2)] string RequestedBy);
