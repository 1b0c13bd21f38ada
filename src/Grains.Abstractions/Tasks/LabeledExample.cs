using System.Collections.Immutable;

namespace SelfDissonance.Tasks;

/// <summary>One labeled row in task order: features by position, label by class index.</summary>
[GenerateSerializer, Immutable]
public sealed record LabeledExample(
    [property: Id(0)] ImmutableArray<float> Features,
    [property: Id(1)] int Label);
