namespace SelfDissonance.Models;

/// <summary>What a role serves now: production and an optional canary with its traffic share. The revision grows on every change.
/// ErasedSinceProduction counts episodes erased after production was trained: retraining is needed while it is above 0.</summary>
[GenerateSerializer, Immutable]
public sealed record ServingState(
    [property: Id(0)] string TaskId,
    [property: Id(1)] ModelRole Role,
    [property: Id(2)] ModelVersionInfo? Production,
    [property: Id(3)] ModelVersionInfo? Canary,
    [property: Id(4)] double CanaryFraction,
    [property: Id(5)] long Revision,
    [property: Id(6)] int ErasedSinceProduction = 0);
