namespace SelfDissonance.Safety;

/// <summary>Why the safety gate blocked learning from an episode (BRIEF §4). The prediction is still returned.</summary>
public static class GateReasons
{
    /// <summary>d &gt; maxDissonance.</summary>
    public const string DissonanceTooHigh = "dissonance_too_high";

    /// <summary>A feature's z-score against the training statistics exceeds oodZMax.</summary>
    public const string OutOfDistribution = "out_of_distribution";

    /// <summary>The rolling hour's dissonance budget is spent.</summary>
    public const string BudgetExhausted = "budget_exhausted";

    /// <summary>The episode carries a label that is not one of the task's classes.</summary>
    public const string InvalidLabel = "invalid_label";

    public static IReadOnlyList<string> All { get; } = [DissonanceTooHigh, OutOfDistribution, BudgetExhausted, InvalidLabel];
}
