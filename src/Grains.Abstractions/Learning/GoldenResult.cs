using SelfDissonance.Models;

namespace SelfDissonance.Learning;

/// <summary>The golden set's new revision and size, and each role's production version re-scored on it.</summary>
[GenerateSerializer, Immutable]
public sealed record GoldenResult(
    [property: Id(0)] int Revision,
    [property: Id(1)] int Rows,
    [property: Id(2)] ModelVersionInfo? Proposer,
    [property: Id(3)] ModelVersionInfo? Critic);
