namespace SelfDissonance.Client.Contracts;

/// <summary>Body of <c>POST /v1/tasks/{task}/episodes</c> and one item of <c>episodes:batch</c>.</summary>
/// <param name="Features">Value per feature name: exactly the task's features, finite numbers.</param>
/// <param name="Label">Optional ground truth (one of the task's classes).</param>
/// <param name="Id">Optional idempotency key; the same id never runs or learns twice.</param>
public sealed record EpisodeRequest(IReadOnlyDictionary<string, double>? Features, string? Label = null, string? Id = null);

/// <summary>Body of <c>POST /v1/tasks/{task}/predict</c> (or an array of these).</summary>
/// <param name="Features">Value per feature name.</param>
public sealed record PredictRequest(IReadOnlyDictionary<string, double>? Features);

/// <summary>A class distribution and its top class.</summary>
/// <param name="Label">Most probable class.</param>
/// <param name="Probabilities">Probability per class.</param>
public sealed record PredictionResponse(string Label, IReadOnlyDictionary<string, double> Probabilities);

/// <summary>A production prediction (no episode, no learning).</summary>
/// <param name="Label">Most probable class.</param>
/// <param name="Probabilities">Probability per class.</param>
/// <param name="ProposerVersion">Version that predicted.</param>
public sealed record PredictResponse(string Label, IReadOnlyDictionary<string, double> Probabilities, int ProposerVersion);

/// <summary>The critic's view of an episode.</summary>
/// <param name="Label">Critic's most probable class.</param>
/// <param name="Probabilities">Critic's probability per class.</param>
/// <param name="JsDivergence">Jensen-Shannon divergence (bits) between proposer and critic.</param>
/// <param name="Top1Disagreement">Whether their top classes differ.</param>
public sealed record CriticResponse(string Label, IReadOnlyDictionary<string, double> Probabilities, double JsDivergence, bool Top1Disagreement);

/// <summary>The safety gate's verdict on learning from an episode.</summary>
/// <param name="Allowed">Whether the episode may be learned from.</param>
/// <param name="Reasons">Reason codes when blocked: dissonance_too_high, out_of_distribution, budget_exhausted, invalid_label.</param>
/// <param name="MaxZScore">Largest feature z-score against the training statistics.</param>
public sealed record GateResponse(bool Allowed, IReadOnlyList<string> Reasons, double MaxZScore);

/// <summary>The answer to an episode.</summary>
/// <param name="Id">Episode id.</param>
/// <param name="Prediction">The proposer's prediction.</param>
/// <param name="Critic">The critic's prediction and divergences.</param>
/// <param name="Dissonance">Total variation distance between proposer and critic.</param>
/// <param name="Gate">Safety gate verdict.</param>
/// <param name="ProposerVersion">Proposer version that answered.</param>
/// <param name="CriticVersion">Critic version that answered.</param>
/// <param name="Canary">Whether a canary proposer answered.</param>
/// <param name="Replayed">True when this id had already run and the stored answer is returned.</param>
public sealed record EpisodeResponse(
    string Id,
    PredictionResponse Prediction,
    CriticResponse Critic,
    double Dissonance,
    GateResponse Gate,
    int ProposerVersion,
    int CriticVersion,
    bool Canary,
    bool Replayed);

/// <summary>Answer to <c>episodes:batch</c>: the ids accepted onto the durable queue.</summary>
/// <param name="Ids">Accepted ids, in request order.</param>
public sealed record BatchAcceptedResponse(IReadOnlyList<string> Ids);

/// <summary>Body of <c>POST /v1/episodes/{id}/feedback</c>.</summary>
/// <param name="Label">The ground-truth class.</param>
public sealed record FeedbackRequest(string? Label);

/// <summary>Answer to feedback.</summary>
/// <param name="Id">Episode id.</param>
/// <param name="Label">Label recorded.</param>
/// <param name="Learnable">Whether it goes to the learner (the episode passed the safety gate).</param>
/// <param name="Duplicate">True when the same label was already recorded.</param>
public sealed record FeedbackResponse(string Id, string Label, bool Learnable, bool Duplicate);

/// <summary>Answer to <c>DELETE /v1/episodes/{id}</c>: the episode's features and label are gone from storage and from every later training window.</summary>
/// <param name="Id">Episode id.</param>
/// <param name="Task">Its task.</param>
/// <param name="RemovedFromTraining">True when the learner held a row of it (then both roles' registries record that production needs retraining).</param>
public sealed record EpisodeErasedResponse(string Id, string Task, bool RemovedFromTraining);

/// <summary>An episode's full record and lineage.</summary>
/// <param name="Id">Episode id.</param>
/// <param name="Task">Task id.</param>
/// <param name="Status">received, proposed, criticized, gated, completed or failed.</param>
/// <param name="Source">sync or queue.</param>
/// <param name="Features">Value per feature name.</param>
/// <param name="Label">Label given with the request.</param>
/// <param name="FeedbackLabel">Label given later as feedback.</param>
/// <param name="Prediction">Proposer prediction.</param>
/// <param name="Critic">Critic prediction.</param>
/// <param name="Dissonance">Total variation distance.</param>
/// <param name="Gate">Safety gate verdict.</param>
/// <param name="ProposerVersion">Proposer version that answered.</param>
/// <param name="CriticVersion">Critic version that answered.</param>
/// <param name="Canary">Whether a canary answered.</param>
/// <param name="SubmittedAt">When it was submitted.</param>
/// <param name="CompletedAt">When it completed.</param>
/// <param name="FeedbackAt">When feedback arrived.</param>
/// <param name="Error">Why a queued episode failed.</param>
/// <param name="Lineage">The model versions that answered, with their lineage.</param>
public sealed record EpisodeRecordResponse(
    string Id,
    string Task,
    string Status,
    string Source,
    IReadOnlyDictionary<string, double> Features,
    string? Label,
    string? FeedbackLabel,
    PredictionResponse? Prediction,
    CriticResponse? Critic,
    double? Dissonance,
    GateResponse? Gate,
    int? ProposerVersion,
    int? CriticVersion,
    bool Canary,
    DateTimeOffset SubmittedAt,
    DateTimeOffset? CompletedAt,
    DateTimeOffset? FeedbackAt,
    string? Error,
    EpisodeLineage Lineage);

/// <summary>The versions that answered an episode.</summary>
/// <param name="Proposer">Proposer version and lineage.</param>
/// <param name="Critic">Critic version and lineage.</param>
public sealed record EpisodeLineage(ModelVersionResponse? Proposer, ModelVersionResponse? Critic);
