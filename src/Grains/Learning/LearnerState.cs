using System.Collections.Immutable;
using SelfDissonance.Models;
using SelfDissonance.Tasks;

namespace SelfDissonance.Learning;

/// <summary>The learner's durable state: references to its dataset segments plus small counters. Rows live in segments.</summary>
[GenerateSerializer, Immutable]
public sealed record LearnerState
{
    [Id(0)] public bool Bootstrapped { get; init; }
    [Id(1)] public TaskDefinition? Definition { get; init; }
    [Id(2)] public ArtifactRef? Golden { get; init; }
    [Id(3)] public ImmutableList<ArtifactRef> Segments { get; init; } = [];
    [Id(4)] public long Cycle { get; init; }
    [Id(5)] public long LastCycleSequence { get; init; }
    [Id(6)] public int ProposerLabeledAtLastTrain { get; init; }
    [Id(7)] public int CriticLabeledAtLastTrain { get; init; }

    /// <summary>Trust-region-limited steps still allowed without new data (0: production is at the plain fit, or gave up).</summary>
    [Id(8)] public int ProposerCatchUp { get; init; }
    [Id(9)] public int CriticCatchUp { get; init; }
    [Id(10)] public ImmutableList<LearningCycleResult> RecentCycles { get; init; } = [];
    [Id(11)] public long DuplicatesIgnored { get; init; }

    /// <summary>Erased episode ids (ids only): their rows are gone from the segments, and a late delivery is not taken again.</summary>
    [Id(12)] public ImmutableHashSet<string> Erased { get; init; } = ImmutableHashSet.Create<string>(StringComparer.Ordinal);

    /// <summary>Quarantined episodes an admin released into training.</summary>
    [Id(13)] public ImmutableHashSet<string> QuarantineReleased { get; init; } = ImmutableHashSet.Create<string>(StringComparer.Ordinal);

    /// <summary>An erasure happened since the last cycle: the next cycle retrains both roles without the erased rows.</summary>
    [Id(14)] public bool ErasurePending { get; init; }

    /// <summary>The model settings each role retrains with (a <see cref="Ml.ModelFamilies"/> name); null: choose at the next cycle.</summary>
    [Id(15)] public string? ProposerTrainer { get; init; }
    [Id(16)] public string? CriticTrainer { get; init; }

    /// <summary>Labeled rows when the settings were last chosen by cross-validation: they are chosen again when these double.</summary>
    [Id(17)] public int LabeledAtSelection { get; init; }

    /// <summary>Revision of the golden holdout: 1 from bootstrap, one more per add or replace.</summary>
    [Id(18)] public int GoldenRevision { get; init; } = 1;
}

/// <summary>
/// Where older versions kept the events consumed since the last segment, rewritten whole on every event. Superseded by
/// the learner journal (<see cref="Journal.ILearnerJournal"/>): no longer written, only read on activation so a
/// non-empty buffer of an older data directory moves into the journal, then cleared.
/// </summary>
[GenerateSerializer, Immutable]
public sealed record LearnerBufferState
{
    [Id(0)] public ImmutableList<LearningEvent> Events { get; init; } = [];
}
