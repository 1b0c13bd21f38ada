namespace SelfDissonance.Client.Contracts;

/// <summary>A partial policy for <c>PUT /v1/tasks/{task}/policy</c> and task creation: omitted fields keep their value.</summary>
public sealed record PolicyUpdate
{
    /// <summary>Dissonance above which unlabeled episodes contribute pseudo-labels. [0, 1].</summary>
    public double? DTarget { get; init; }

    /// <summary>Dissonance above which learning is blocked. (0, 1], greater than dTarget.</summary>
    public double? MaxDissonance { get; init; }

    /// <summary>Weight of the dissonance term. [0, lambdaMax].</summary>
    public double? Lambda { get; init; }

    /// <summary>Upper bound of lambda. [0, 10].</summary>
    public double? LambdaMax { get; init; }

    /// <summary>Trust region: largest mean KL(old ‖ new) of a promotion. [0, 10].</summary>
    public double? KlEps { get; init; }

    /// <summary>Unlabeled learnable episodes with d above dTarget per rolling hour at least (labeled episodes never spend the budget). [0, 10000000].</summary>
    public int? DBudgetPerHour { get; init; }

    /// <summary>New labeled rows that trigger a learning cycle. [1, 1000000].</summary>
    public int? MinBatch { get; init; }

    /// <summary>Golden accuracy a candidate may lose against production. [0, 1].</summary>
    public double? GoldenTolerance { get; init; }

    /// <summary>Traffic share of a new proposer before it becomes production. [0, 0.5].</summary>
    public double? CanaryFraction { get; init; }

    /// <summary>Live accuracy drop that triggers an automatic rollback. [0, 1].</summary>
    public double? RollbackDrop { get; init; }

    /// <summary>Largest feature z-score before an input is out of distribution. (0, 1000].</summary>
    public double? OodZMax { get; init; }

    /// <summary>Step size of the lambda controller. [0, 10].</summary>
    public double? Eta { get; init; }

    /// <summary>Share of the rolling hour's episodes the budget allows, when larger than dBudgetPerHour. [0, 1].</summary>
    public double? DBudgetShare { get; init; }
}

/// <summary>A task's policy with its revision and dissonance budget.</summary>
/// <param name="DTarget">Dissonance target.</param>
/// <param name="MaxDissonance">Dissonance above which learning is blocked.</param>
/// <param name="Lambda">Current lambda.</param>
/// <param name="LambdaMax">Upper bound of lambda.</param>
/// <param name="KlEps">Trust region bound.</param>
/// <param name="DBudgetPerHour">Budget per rolling hour.</param>
/// <param name="MinBatch">Labeled rows per learning cycle.</param>
/// <param name="GoldenTolerance">Golden tolerance.</param>
/// <param name="CanaryFraction">Canary traffic share.</param>
/// <param name="RollbackDrop">Live accuracy drop that rolls back.</param>
/// <param name="OodZMax">Out-of-distribution z-score bound.</param>
/// <param name="Eta">Lambda controller step.</param>
/// <param name="Revision">Incremented on every change.</param>
/// <param name="UpdatedAt">Time of the last change.</param>
/// <param name="BudgetUsed">Budget spent in the last hour.</param>
/// <param name="BudgetLeft">Budget left in the last hour.</param>
/// <param name="DBudgetShare">Share of the hour's episodes the budget allows (the budget is the larger of this and dBudgetPerHour).</param>
public sealed record PolicyResponse(
    double DTarget,
    double MaxDissonance,
    double Lambda,
    double LambdaMax,
    double KlEps,
    int DBudgetPerHour,
    int MinBatch,
    double GoldenTolerance,
    double CanaryFraction,
    double RollbackDrop,
    double OodZMax,
    double Eta,
    long Revision,
    DateTimeOffset UpdatedAt,
    int BudgetUsed,
    int BudgetLeft,
    double DBudgetShare);

/// <summary>One entry of a policy's history.</summary>
/// <param name="Revision">Revision it created.</param>
/// <param name="At">When.</param>
/// <param name="By">Who (an API caller, or the meta-controller).</param>
/// <param name="Reason">Why.</param>
/// <param name="Policy">The policy after the change.</param>
public sealed record PolicyChangeResponse(long Revision, DateTimeOffset At, string By, string Reason, PolicyUpdate Policy);
