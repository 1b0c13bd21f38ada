using System.Collections.Immutable;

namespace SelfDissonance.Episodes;

[GenerateSerializer, Immutable]
public sealed record PredictBatchResult(
    [property: Id(0)] ImmutableArray<Prediction> Predictions,
    [property: Id(1)] int Version);
