namespace SelfDissonance.Policy;

/// <summary>One entry of a task's policy history: who changed what, when and why.</summary>
[GenerateSerializer, Immutable]
public sealed record PolicyChange(
    [property: Id(0)] long Revision,
    [property: Id(1)] DateTimeOffset At,
    [property: Id(2)] string By,
    [property: Id(3)] string Reason,
    [property: Id(4)] TaskPolicy Policy);
