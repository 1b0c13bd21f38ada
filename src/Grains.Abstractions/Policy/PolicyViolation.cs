namespace SelfDissonance.Policy;

/// <summary>A policy field outside its allowed range.</summary>
[GenerateSerializer, Immutable]
public sealed record PolicyViolation(
    [property: Id(0)] string Field,
    [property: Id(1)] string Message,
    [property: Id(2)] string AllowedRange);
