namespace SelfDissonance;

/// <summary>One invalid field of a request: its JSON name, what is wrong, and what would be accepted.</summary>
[GenerateSerializer, Immutable]
public sealed record FieldError(
    [property: Id(0)] string Field,
    [property: Id(1)] string Message,
    [property: Id(2)] string? Allowed = null);
