using System.Collections.Immutable;

namespace SelfDissonance.Learning;

[GenerateSerializer, Immutable]
public sealed record LearnerStatus(
    [property: Id(0)] int LabeledRows,
    [property: Id(1)] int PseudoCandidates,
    [property: Id(2)] int PendingLabeled,
    [property: Id(3)] int PendingPseudo,
    [property: Id(4)] long EventsConsumed,
    [property: Id(5)] long DuplicatesIgnored,
    [property: Id(6)] long Cycles,
    [property: Id(7)] ImmutableArray<LearningCycleResult> RecentCycles,
    [property: Id(8)] int Quarantined = 0,
    [property: Id(9)] int QuarantineReleased = 0,
    [property: Id(10)] long Erased = 0,
    [property: Id(11)] bool CycleRunning = false,
    [property: Id(12)] int DriftAlarms = 0);
