namespace SelfDissonance.Policy;

/// <summary>
/// The per-task numbers the meta-controller owns (BRIEF §4). Defaults are the proof of concept's where it had one.
/// </summary>
[GenerateSerializer, Immutable]
public sealed record TaskPolicy
{
    public static TaskPolicy Default { get; } = new();

    /// <summary>Dissonance above which an unlabeled episode contributes a pseudo-label.</summary>
    [Id(0)] public double DTarget { get; init; } = 0.12;

    /// <summary>Dissonance above which learning from an episode is blocked.</summary>
    [Id(1)] public double MaxDissonance { get; init; } = 0.5;

    /// <summary>Current weight of the dissonance term; adapted by the meta-controller after every cycle.</summary>
    [Id(2)] public double Lambda { get; init; }

    [Id(3)] public double LambdaMax { get; init; } = 0.05;

    /// <summary>Trust region: the largest mean KL(old ‖ new) a promoted model may move.</summary>
    [Id(4)] public double KlEps { get; init; } = 0.02;

    /// <summary>
    /// Unlabeled learnable episodes with d above dTarget accepted per rolling hour at least, whatever the traffic (the
    /// budget is the larger of this and <see cref="DBudgetShare"/> of the hour's episodes). Labeled episodes never spend it.
    /// </summary>
    [Id(5)] public int DBudgetPerHour { get; init; } = 100;

    /// <summary>New labeled rows that trigger a learning cycle.</summary>
    [Id(6)] public int MinBatch { get; init; } = 64;

    [Id(7)] public double GoldenTolerance { get; init; } = 0.005;

    /// <summary>Share of traffic a newly promoted proposer serves before it becomes production.</summary>
    [Id(8)] public double CanaryFraction { get; init; }

    /// <summary>Live accuracy drop against the predecessor that triggers an automatic rollback.</summary>
    [Id(9)] public double RollbackDrop { get; init; } = 0.015;

    /// <summary>Largest z-score of any feature against the training statistics before an input is out of distribution.</summary>
    [Id(10)] public double OodZMax { get; init; } = 6;

    /// <summary>Step size of the λ controller.</summary>
    [Id(11)] public double Eta { get; init; } = 0.5;

    /// <summary>
    /// Share of the rolling hour's episodes that may be unlabeled pseudo-label candidates with d above dTarget: the
    /// budget scales with traffic, so a busy task does not spend an hour's count in its first seconds.
    /// </summary>
    [Id(12)] public double DBudgetShare { get; init; } = 0.2;

    /// <summary>The budget for an hour that saw <paramref name="episodes"/> episodes.</summary>
    public int BudgetFor(long episodes) => (int)Math.Min(int.MaxValue, Math.Max(DBudgetPerHour, Math.Floor(DBudgetShare * episodes)));
}
