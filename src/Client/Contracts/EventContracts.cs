namespace SelfDissonance.Client.Contracts;

/// <summary>The kinds of <see cref="TaskEvent"/> (the SSE <c>event:</c> field).</summary>
public static class TaskEventKinds
{
    /// <summary>An episode ran (sync or queued); <see cref="TaskEvent.Episode"/> is set.</summary>
    public const string Episode = "episode";

    /// <summary>A version became production or started a canary; <see cref="TaskEvent.Model"/> is set.</summary>
    public const string Promotion = "promotion";

    /// <summary>Production moved back (manual or automatic rollback, or a canary rejected); <see cref="TaskEvent.Model"/> is set.</summary>
    public const string Rollback = "rollback";

    /// <summary>A learning cycle finished; <see cref="TaskEvent.Cycle"/> is set.</summary>
    public const string Cycle = "cycle";

    /// <summary>The learner detected drift (the proposer's error on labeled episodes rose); <see cref="TaskEvent.Drift"/> is set.</summary>
    public const string Drift = "drift";
}

/// <summary>
/// One live event of a task, from <c>GET /v1/tasks/{task}/events</c> (server-sent events) or the cluster client's
/// stream subscription. Exactly one of <see cref="Episode"/>, <see cref="Model"/>, <see cref="Cycle"/> and <see cref="Drift"/> is set,
/// according to <see cref="Kind"/>. Events are live only: a subscriber sees what happens after it subscribed.
/// </summary>
/// <param name="Kind">One of <see cref="TaskEventKinds"/>.</param>
/// <param name="Task">Task id.</param>
/// <param name="At">When it happened.</param>
/// <param name="Episode">The episode's outcome, for <see cref="TaskEventKinds.Episode"/>.</param>
/// <param name="Model">The production change, for promotions and rollbacks.</param>
/// <param name="Cycle">The learning cycle's outcome, for <see cref="TaskEventKinds.Cycle"/>.</param>
/// <param name="Drift">The drift alarm, for <see cref="TaskEventKinds.Drift"/>.</param>
public sealed record TaskEvent(
    string Kind,
    string Task,
    DateTimeOffset At,
    EpisodeEvent? Episode = null,
    ModelChangeEvent? Model = null,
    LearningCycleEvent? Cycle = null,
    DriftEvent? Drift = null);

/// <summary>A drift alarm: the proposer's error on labeled episodes rose (Page-Hinkley test).</summary>
/// <param name="LabeledRows">Labeled rows held when it rang; rows before it now weigh less in training.</param>
/// <param name="Alarms">Drift alarms so far for the task.</param>
/// <param name="PreDriftWeight">Weight factor now applied to the rows taken before the alarm.</param>
public sealed record DriftEvent(int LabeledRows, int Alarms, double PreDriftWeight);

/// <summary>An episode's outcome.</summary>
/// <param name="Id">Episode id.</param>
/// <param name="Prediction">The proposer's class.</param>
/// <param name="CriticLabel">The critic's class.</param>
/// <param name="Dissonance">Total variation distance between proposer and critic.</param>
/// <param name="Learnable">Whether the safety gate allowed learning from it.</param>
/// <param name="Reasons">Gate reasons when blocked.</param>
/// <param name="Label">Ground truth sent with the episode, if any.</param>
/// <param name="ProposerVersion">Proposer version that answered.</param>
/// <param name="CriticVersion">Critic version that answered.</param>
/// <param name="Canary">Whether a canary proposer answered.</param>
/// <param name="Source"><c>sync</c> or <c>queue</c>.</param>
public sealed record EpisodeEvent(
    string Id,
    string Prediction,
    string CriticLabel,
    double Dissonance,
    bool Learnable,
    IReadOnlyList<string> Reasons,
    string? Label,
    int ProposerVersion,
    int CriticVersion,
    bool Canary,
    string Source);

/// <summary>A change of a role's production (or canary) version.</summary>
/// <param name="Role"><c>proposer</c> or <c>critic</c>.</param>
/// <param name="Action">promoted, canary_started, canary_promoted, canary_rejected, rolled_back or auto_rolled_back.</param>
/// <param name="From">Production version before, if any.</param>
/// <param name="To">The version this change is about (new production, or the canary).</param>
/// <param name="By">Who: <c>learner</c>, <c>auto</c> or the caller.</param>
/// <param name="Reason">Why.</param>
/// <param name="GoldenAccuracy">Golden accuracy of <paramref name="To"/>.</param>
public sealed record ModelChangeEvent(string Role, string Action, int? From, int To, string By, string Reason, double? GoldenAccuracy);

/// <summary>A finished learning cycle.</summary>
/// <param name="Cycle">Cycle number.</param>
/// <param name="Outcome">promoted, rejected or nothing_to_learn.</param>
/// <param name="Reasons">Rejection reasons.</param>
/// <param name="ProposerVersion">Proposer candidate's version, if one was registered.</param>
/// <param name="CriticVersion">Critic candidate's version, if one was registered.</param>
/// <param name="ProposerGoldenAccuracy">Proposer candidate's golden accuracy, if trained.</param>
/// <param name="Lambda">Lambda after the cycle.</param>
/// <param name="Trigger">What started it: batch, timer, manual, catch_up.</param>
/// <param name="DurationMs">How long it took, in milliseconds.</param>
public sealed record LearningCycleEvent(
    long Cycle,
    string Outcome,
    IReadOnlyList<string> Reasons,
    int? ProposerVersion,
    int? CriticVersion,
    double? ProposerGoldenAccuracy,
    double? Lambda,
    string Trigger,
    double DurationMs);

/// <summary>
/// A task's recent history (<c>GET /v1/tasks/{task}/history</c>), sampled as traffic and live outcomes arrive. Older
/// samples are thinned (every other one dropped) when a series is full, so the whole life of a task stays in view.
/// </summary>
/// <param name="Task">Task id.</param>
/// <param name="Traffic">Traffic, lambda and budget samples, oldest first.</param>
/// <param name="Accuracy">Accuracy samples per model version, oldest first.</param>
public sealed record TaskHistoryResponse(string Task, IReadOnlyList<TrafficSample> Traffic, IReadOnlyList<AccuracySample> Accuracy);

/// <summary>Totals and controller state at one moment.</summary>
/// <param name="At">When sampled.</param>
/// <param name="Episodes">Episodes so far.</param>
/// <param name="Learnable">Learnable episodes so far.</param>
/// <param name="MeanDissonance">Mean dissonance so far.</param>
/// <param name="Lambda">Lambda.</param>
/// <param name="BudgetLeft">Dissonance budget left in the rolling hour.</param>
/// <param name="BlockedByReason">Gate blocks so far, per reason.</param>
public sealed record TrafficSample(
    DateTimeOffset At,
    long Episodes,
    long Learnable,
    double MeanDissonance,
    double Lambda,
    double BudgetLeft,
    IReadOnlyDictionary<string, long> BlockedByReason);

/// <summary>A model version's accuracy at one moment.</summary>
/// <param name="At">When sampled.</param>
/// <param name="Role"><c>proposer</c> or <c>critic</c>.</param>
/// <param name="Version">Version.</param>
/// <param name="Stage">Its stage then.</param>
/// <param name="GoldenAccuracy">Golden holdout accuracy.</param>
/// <param name="LiveAccuracy">Accuracy on labeled episodes it served so far, if any.</param>
/// <param name="LiveSamples">Labeled episodes it served so far.</param>
public sealed record AccuracySample(
    DateTimeOffset At,
    string Role,
    int Version,
    string Stage,
    double GoldenAccuracy,
    double? LiveAccuracy,
    long LiveSamples);
