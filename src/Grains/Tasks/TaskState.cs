namespace SelfDissonance.Tasks;

[GenerateSerializer, Immutable]
public sealed record TaskState
{
    [Id(0)] public TaskDefinition? Definition { get; init; }
    [Id(1)] public bool Bootstrapped { get; init; }
    [Id(2)] public FeatureStatistics? Statistics { get; init; }
    [Id(3)] public DateTimeOffset? BootstrappedAt { get; init; }
    [Id(4)] public int GoldenRows { get; init; }
    [Id(5)] public long Revision { get; init; }
}
