using System.Collections.Immutable;
using SelfDissonance.Models;

namespace SelfDissonance.Learning;

/// <summary>
/// One candidate of a learning cycle: what it was trained on, how it scored and what became of it. <see cref="Step"/> is
/// the retrained model's weight in what was promoted (1: all of it; below 1: a trust-region mixture with production's
/// model), <see cref="PlainKl"/> the KL the retrained model alone would have moved, <see cref="KlFromProduction"/> the
/// step's. <see cref="CvScores"/> is filled when the cycle trained with settings chosen again, on the
/// <see cref="CvRows"/> labeled rows an earlier cycle had (the choice runs after a cycle, for the next one).
/// </summary>
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
    [property: Id(9)] int LabeledRows,
    [property: Id(10)] int PseudoRows,
    [property: Id(12)] int Fits,
    [property: Id(13)] TimeSpan Duration,
    [property: Id(14)] ImmutableArray<TrustRegionStep> Steps,
    [property: Id(15)] double Step = 0,
    [property: Id(16)] double? PlainKl = null,
    [property: Id(17)] string? Trainer = null,
    [property: Id(18)] double? CvAccuracy = null,
    [property: Id(19)] int Members = 1,
    [property: Id(20)] ImmutableArray<FamilyScore> CvScores = default,
    [property: Id(21)] int? CvRows = null);
