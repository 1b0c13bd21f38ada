namespace SelfDissonance.Models;

/// <summary>How a version was made: from which parent, on what data, under which policy numbers.</summary>
[GenerateSerializer, Immutable]
public sealed record ModelLineage(
    [property: Id(0)] int? ParentVersion,
    [property: Id(1)] string Trainer,
    [property: Id(2)] int LabeledRows,
    [property: Id(3)] int PseudoRows,
    [property: Id(4)] int AnchorRows,
    [property: Id(5)] double AnchorWeight,
    [property: Id(6)] double Lambda,
    [property: Id(7)] double? KlFromParent,
    [property: Id(8)] double GoldenAccuracy,
    [property: Id(9)] long LearningCycle);
