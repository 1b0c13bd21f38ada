namespace SelfDissonance.Models;

/// <summary>One entry of the production history: who moved production, when, from which version to which, and why.</summary>
[GenerateSerializer, Immutable]
public sealed record ProductionChange(
    [property: Id(0)] long Revision,
    [property: Id(1)] DateTimeOffset At,
    [property: Id(2)] string Action,
    [property: Id(3)] int? From,
    [property: Id(4)] int To,
    [property: Id(5)] string By,
    [property: Id(6)] string Reason);
