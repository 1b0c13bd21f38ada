namespace SelfDissonance.Tasks;

/// <summary>What the task grain knows: schema, bootstrap status and training statistics.</summary>
[GenerateSerializer, Immutable]
public sealed record TaskSnapshot(
    [property: Id(0)] TaskDefinition Definition,
    [property: Id(1)] bool Bootstrapped,
    [property: Id(2)] FeatureStatistics? Statistics,
    [property: Id(3)] DateTimeOffset? BootstrappedAt,
    [property: Id(4)] int GoldenRows,
    [property: Id(5)] long Revision);
