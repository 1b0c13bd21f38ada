using System.Collections.Immutable;

namespace SelfDissonance.Models;

[GenerateSerializer, Immutable]
public sealed record ModelRegistryState
{
    [Id(0)] public ImmutableList<ModelVersionInfo> Versions { get; init; } = [];

    /// <summary>Versions that were production, oldest first; the last is production now. Rollback pops it.</summary>
    [Id(1)] public ImmutableList<int> ProductionStack { get; init; } = [];

    [Id(2)] public int? Canary { get; init; }

    [Id(3)] public double CanaryFraction { get; init; }

    [Id(4)] public long Revision { get; init; }

    [Id(5)] public ImmutableList<ProductionChange> History { get; init; } = [];

    /// <summary>Stage and accuracy of the serving versions over time (see HistorySeries).</summary>
    [Id(6)] public ImmutableList<AccuracyPoint> Samples { get; init; } = [];

    /// <summary>Episodes erased since production was trained on them; a new production version trained after them clears it.</summary>
    [Id(7)] public int ErasedSinceProduction { get; init; }
}
