using System.Collections.Immutable;
using SelfDissonance.Models;

namespace SelfDissonance.Learning;

/// <summary>One candidate of a learning cycle: what it was trained on, how it scored and what became of it.</summary>
[GenerateSerializer, Immutable]
public sealed record CandidateReport(
    [property: Id(0)] ModelRole Role,
    [property: Id(1)] string Outcome,
    [property: Id(2)] ImmutableArray<string> Reasons,
    [property: Id(3)] int? Version,
    [property: Id(4)] int? ProductionVersion,
    [property: Id(5)] double GoldenAccuracy,
    [property: Id(6)] double? ProductionGoldenAccuracy,
    [property: Id(7)] double? KlFromProduction,
    [property: Id(8)] double AnchorWeight,
    [property: Id(9)] int LabeledRows,
    [property: Id(10)] int PseudoRows,
    [property: Id(11)] int AnchorRows,
    [property: Id(12)] int Fits,
    [property: Id(13)] TimeSpan Duration,
    [property: Id(14)] ImmutableArray<TrustRegionStep> Steps);
