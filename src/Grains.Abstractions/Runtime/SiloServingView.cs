namespace SelfDissonance.Runtime;

/// <summary>What one silo serves for a task right now (null when the task is not loaded there).</summary>
[GenerateSerializer, Immutable]
public sealed record SiloServingView(
    [property: Id(0)] string Silo,
    [property: Id(1)] int? ProposerVersion,
    [property: Id(2)] int? CanaryVersion,
    [property: Id(3)] int? CriticVersion,
    [property: Id(4)] long PolicyRevision,
    [property: Id(5)] DateTimeOffset? LastChangeAt);
