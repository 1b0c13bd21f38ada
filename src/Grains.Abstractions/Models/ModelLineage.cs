using System.Collections.Immutable;
using SelfDissonance.Learning;

namespace SelfDissonance.Models;

/// <summary>
/// How a version was made: from which parent, on what data, under which policy numbers. <see cref="Trainer"/> names the
/// model setting (a mixture names its members); <see cref="Step"/> is the retrained model's weight in it (1: all of it);
/// <see cref="CvScores"/> holds every setting's cross-validated accuracy when the choice was made for this version.
/// </summary>
[GenerateSerializer, Immutable]
public sealed record ModelLineage(
    [property: Id(0)] int? ParentVersion,
    [property: Id(1)] string Trainer,
    [property: Id(2)] int LabeledRows,
    [property: Id(3)] int PseudoRows,
    [property: Id(6)] double Lambda,
    [property: Id(7)] double? KlFromParent,
    [property: Id(8)] double GoldenAccuracy,
    [property: Id(9)] long LearningCycle,
    [property: Id(10)] double Step = 1,
    [property: Id(11)] int Members = 1,
    [property: Id(12)] double? CvAccuracy = null,
    [property: Id(13)] ImmutableArray<FamilyScore> CvScores = default);
