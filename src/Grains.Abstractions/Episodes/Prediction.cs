using System.Collections.Immutable;

namespace SelfDissonance.Episodes;

/// <summary>A class distribution (ordered as the task's classes) and its top class.</summary>
[GenerateSerializer, Immutable]
public sealed record Prediction(
    [property: Id(0)] int LabelIndex,
    [property: Id(1)] string Label,
    [property: Id(2)] ImmutableArray<double> Probabilities);
