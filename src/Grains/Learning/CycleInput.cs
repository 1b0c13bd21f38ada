using SelfDissonance.Learning.Ml;
using SelfDissonance.Policy;

namespace SelfDissonance.Learning;

/// <summary>
/// What one learning cycle trains on, taken in the grain turn that asked for the cycle: the rows counted then, not
/// whatever has arrived by the time the cycle runs, so the same stream gives the same cycles however fast the node is.
/// Null row lists: that role has nothing new and is not retrained.
/// </summary>
internal sealed record CycleInput(
    string Trigger,
    TaskPolicy Policy,
    int LabeledAtStart,
    int NewLabeled,
    int NewPseudo,
    IReadOnlyList<TrainingRow> Labeled,
    List<TrainingRow>? ProposerRows,
    int PseudoRows,
    bool TrainCritic,
    IReadOnlyList<float[]> Recent,
    long Sequence,
    int Episodes,
    double DissonanceSum,
    bool Erased);
