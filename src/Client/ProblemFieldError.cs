namespace SelfDissonance.Client;

/// <summary>One offending field of a validation failure (an item of a problem's <c>errors</c>).</summary>
/// <param name="Field">The field, as a path into the request: <c>features.y</c>, <c>[3].label</c>, <c>minBatch</c>.</param>
/// <param name="Message">What is wrong with it.</param>
/// <param name="Allowed">The values or range allowed, when the service names them.</param>
public sealed record ProblemFieldError(string Field, string Message, string? Allowed);
