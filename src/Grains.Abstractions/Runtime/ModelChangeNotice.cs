using SelfDissonance.Models;

namespace SelfDissonance.Runtime;

/// <summary>A production (or canary) change of one role, with the golden accuracy of the version it is about.</summary>
[GenerateSerializer, Immutable]
public sealed record ModelChangeNotice(
    [property: Id(0)] ModelRole Role,
    [property: Id(1)] ProductionChange Change,
    [property: Id(2)] double? GoldenAccuracy);
