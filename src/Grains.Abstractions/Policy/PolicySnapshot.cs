namespace SelfDissonance.Policy;

/// <summary>The policy with its revision (incremented on every change) and the hourly budget's state.</summary>
[GenerateSerializer, Immutable]
public sealed record PolicySnapshot(
    [property: Id(0)] TaskPolicy Policy,
    [property: Id(1)] long Revision,
    [property: Id(2)] DateTimeOffset UpdatedAt,
    [property: Id(3)] int BudgetUsed,
    [property: Id(4)] int BudgetLeft);
