namespace SelfDissonance.Models;

/// <summary>A serving version's stage and accuracy at one moment: one point of its role's history.</summary>
[GenerateSerializer, Immutable]
public sealed record AccuracyPoint(
    [property: Id(0)] DateTimeOffset At,
    [property: Id(1)] int Version,
    [property: Id(2)] ModelStage Stage,
    [property: Id(3)] double GoldenAccuracy,
    [property: Id(4)] LiveAccuracy Live);
