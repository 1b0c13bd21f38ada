namespace SelfDissonance.Client.Contracts;

/// <summary>One fit of the trust-region search.</summary>
/// <param name="Weight">The retrained model's weight in the step (1: all of it).</param>
/// <param name="Kl">Mean KL(old ‖ new) it gave.</param>
/// <param name="WithinBound">Whether it was within klEps.</param>
public sealed record TrustRegionStepResponse(double Weight, double Kl, bool WithinBound);

/// <summary>One candidate of a learning cycle.</summary>
/// <param name="Role">proposer or critic.</param>
/// <param name="Outcome">promoted, canary or rejected.</param>
/// <param name="Reasons">Why it was rejected: kl_trust_region, golden_regression, ...</param>
/// <param name="Version">Version it became, if promoted.</param>
/// <param name="ProductionVersion">Production version it was compared with.</param>
/// <param name="GoldenAccuracy">Its golden accuracy.</param>
/// <param name="ProductionGoldenAccuracy">Production's golden accuracy.</param>
/// <param name="KlFromProduction">Mean KL(production ‖ candidate).</param>
/// <param name="LabeledRows">Ground-truth rows.</param>
/// <param name="PseudoRows">Pseudo-labeled rows with non-zero weight.</param>
/// <param name="Fits">Models fitted (the retrained candidate, and the cross-validation fits when the settings were chosen again).</param>
/// <param name="DurationMs">Time taken.</param>
/// <param name="Steps">The trust region's steps: the plain candidate, then the step taken.</param>
/// <param name="Step">The retrained model's weight in what was promoted (1: all of it; below 1: a mixture with production's model).</param>
/// <param name="PlainKl">Mean KL(production ‖ retrained model alone).</param>
/// <param name="Trainer">The model setting retrained (family and hyper-parameters).</param>
/// <param name="CvAccuracy">That setting's cross-validated accuracy on the labeled rows, when known.</param>
/// <param name="Members">Models in what was promoted (1, or a mixture's members).</param>
/// <param name="CvScores">Every setting's cross-validated accuracy, when this cycle trained with settings chosen again.</param>
public sealed record CandidateResponse(
    string Role,
    string Outcome,
    IReadOnlyList<string> Reasons,
    int? Version,
    int? ProductionVersion,
    double GoldenAccuracy,
    double? ProductionGoldenAccuracy,
    double? KlFromProduction,
    int LabeledRows,
    int PseudoRows,
    int Fits,
    double DurationMs,
    IReadOnlyList<TrustRegionStepResponse> Steps,
    double Step,
    double? PlainKl,
    string? Trainer,
    double? CvAccuracy,
    int Members,
    IReadOnlyList<CvScoreResponse> CvScores)
{
    /// <summary>
    /// The labeled rows the settings in <see cref="CvScores"/> were chosen on: an earlier cycle's (the choice runs after a
    /// cycle, for the next one); null when this cycle trained with the settings chosen before. A property, not a
    /// constructor parameter, so the constructor stays as it was for code built against an earlier SDK.
    /// </summary>
    public int? CvRows { get; init; }
}

/// <summary>One model setting's cross-validated accuracy.</summary>
/// <param name="Name">Family and hyper-parameters.</param>
/// <param name="Family">lbfgs-maxent, lightgbm or random-forest.</param>
/// <param name="Accuracy">Mean accuracy over the folds.</param>
public sealed record CvScoreResponse(string Name, string Family, double Accuracy);

/// <summary>The lambda controller's step.</summary>
/// <param name="Before">Lambda before.</param>
/// <param name="After">Lambda after.</param>
/// <param name="MeanDissonance">Mean d of the episodes since the previous cycle.</param>
/// <param name="Episodes">Those episodes.</param>
public sealed record LambdaResponse(double Before, double After, double MeanDissonance, int Episodes);

/// <summary>Answer to <c>POST /v1/tasks/{task}/learn</c>.</summary>
/// <param name="Cycle">Cycle number.</param>
/// <param name="Outcome">promoted, rejected or nothing_to_learn.</param>
/// <param name="Reasons">Rejection reasons of the candidates.</param>
/// <param name="Proposer">Proposer candidate, if one was trained.</param>
/// <param name="Critic">Critic candidate, if one was trained.</param>
/// <param name="Lambda">Lambda step, if episodes arrived since the last cycle.</param>
/// <param name="Trigger">api, min_batch or timer.</param>
/// <param name="StartedAt">Start time.</param>
/// <param name="DurationMs">Time taken.</param>
/// <param name="NewLabeledRows">Labeled rows new since the proposer's last training.</param>
/// <param name="NewPseudoCandidates">Unlabeled episodes above dTarget new since the last cycle (counted when lambda &gt; 0).</param>
public sealed record LearnResponse(
    long Cycle,
    string Outcome,
    IReadOnlyList<string> Reasons,
    CandidateResponse? Proposer,
    CandidateResponse? Critic,
    LambdaResponse? Lambda,
    string Trigger,
    DateTimeOffset StartedAt,
    double DurationMs,
    int NewLabeledRows,
    int NewPseudoCandidates);

/// <summary>Accuracy of one version for the metrics route.</summary>
/// <param name="Version">Version.</param>
/// <param name="Stage">Stage.</param>
/// <param name="GoldenAccuracy">Golden accuracy.</param>
/// <param name="LiveAccuracy">Live accuracy, if it served labeled episodes.</param>
/// <param name="LiveSamples">Labeled episodes it served.</param>
public sealed record VersionAccuracyResponse(int Version, string Stage, double GoldenAccuracy, double? LiveAccuracy, long LiveSamples);

/// <summary>The learner's state for the metrics route.</summary>
/// <param name="LabeledRows">Ground-truth rows held.</param>
/// <param name="UnlabeledEpisodes">Unlabeled episodes held as pseudo-label candidates.</param>
/// <param name="PendingLabeled">Labeled rows not yet trained on.</param>
/// <param name="EventsConsumed">Learning events consumed.</param>
/// <param name="DuplicatesIgnored">Re-delivered events ignored.</param>
/// <param name="Cycles">Learning cycles run.</param>
/// <param name="Quarantined">Labels the label-noise guard holds (they contradicted a confident proposer and critic; not trained on).</param>
/// <param name="QuarantineReleased">Quarantined labels released into training so far (a second identical label, or an admin).</param>
/// <param name="Erased">Episodes erased from the learner's data.</param>
/// <param name="DriftAlarms">Drift alarms so far (the proposer's error on labeled episodes rose).</param>
public sealed record LearnerMetrics(int LabeledRows, int UnlabeledEpisodes, int PendingLabeled, long EventsConsumed, long DuplicatesIgnored, long Cycles, int Quarantined, int QuarantineReleased, long Erased, int DriftAlarms);

/// <summary>Answer to <c>POST /v1/tasks/{task}/quarantine:release</c>.</summary>
/// <param name="Task">Task id.</param>
/// <param name="Released">Quarantined labels released into training.</param>
public sealed record QuarantineReleaseResponse(string Task, int Released);

/// <summary>Answer to <c>GET /v1/tasks/{task}/metrics</c>.</summary>
/// <param name="Task">Task id.</param>
/// <param name="Episodes">Episodes completed.</param>
/// <param name="Learnable">Episodes the gate allowed.</param>
/// <param name="BlockedByReason">Episodes blocked, by reason.</param>
/// <param name="MeanDissonance">Mean d over all episodes.</param>
/// <param name="DissonanceHistogram">Episodes per d bucket of width 0.1, from [0, 0.1) to [0.9, 1].</param>
/// <param name="Lambda">Current lambda.</param>
/// <param name="BudgetPerHour">Dissonance budget per rolling hour.</param>
/// <param name="BudgetLeft">Budget left in the current hour.</param>
/// <param name="Proposer">Golden and live accuracy per proposer version.</param>
/// <param name="Critic">Golden and live accuracy per critic version.</param>
/// <param name="Learner">Learner state.</param>
public sealed record TaskMetricsResponse(
    string Task,
    long Episodes,
    long Learnable,
    IReadOnlyDictionary<string, long> BlockedByReason,
    double MeanDissonance,
    IReadOnlyList<long> DissonanceHistogram,
    double Lambda,
    int BudgetPerHour,
    int BudgetLeft,
    IReadOnlyList<VersionAccuracyResponse> Proposer,
    IReadOnlyList<VersionAccuracyResponse> Critic,
    LearnerMetrics Learner);
