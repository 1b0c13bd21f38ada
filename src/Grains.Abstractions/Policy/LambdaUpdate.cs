namespace SelfDissonance.Policy;

[GenerateSerializer, Immutable]
public sealed record LambdaUpdate(
    [property: Id(0)] double Before,
    [property: Id(1)] double After,
    [property: Id(2)] double MeanDissonance,
    [property: Id(3)] int Episodes);
