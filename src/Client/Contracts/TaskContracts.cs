namespace SelfDissonance.Client.Contracts;

/// <summary>Body of <c>POST /v1/tasks</c>.</summary>
/// <param name="Id">Task id: 1-64 letters, digits, '-' or '_'.</param>
/// <param name="Features">Ordered feature names (1-1024).</param>
/// <param name="Classes">Class names (2-100).</param>
/// <param name="Policy">Optional policy fields; omitted fields take the defaults.</param>
public sealed record CreateTaskRequest(string? Id, IReadOnlyList<string>? Features, IReadOnlyList<string>? Classes, PolicyUpdate? Policy = null);

/// <summary>A task: schema, policy and what it serves.</summary>
/// <param name="Id">Task id.</param>
/// <param name="Features">Ordered feature names.</param>
/// <param name="Classes">Class names.</param>
/// <param name="Bootstrapped">Whether proposer and critic v1 exist.</param>
/// <param name="CreatedAt">Creation time (UTC).</param>
/// <param name="BootstrappedAt">Bootstrap time (UTC), if bootstrapped.</param>
/// <param name="GoldenRows">Rows in the golden holdout.</param>
/// <param name="Policy">The current policy.</param>
/// <param name="Production">Versions in production now.</param>
/// <param name="FeatureStatistics">Training statistics per feature, used by the out-of-distribution rule.</param>
public sealed record TaskResponse(
    string Id,
    IReadOnlyList<string> Features,
    IReadOnlyList<string> Classes,
    bool Bootstrapped,
    DateTimeOffset CreatedAt,
    DateTimeOffset? BootstrappedAt,
    int GoldenRows,
    PolicyResponse Policy,
    ProductionVersions Production,
    IReadOnlyList<FeatureStatisticsResponse> FeatureStatistics);

/// <summary>Versions serving a task now.</summary>
/// <param name="Proposer">Production proposer version.</param>
/// <param name="Critic">Production critic version.</param>
/// <param name="ProposerCanary">Canary proposer version, if a canary is running.</param>
public sealed record ProductionVersions(int? Proposer, int? Critic, int? ProposerCanary);

/// <summary>Statistics of one feature over the training rows.</summary>
/// <param name="Name">Feature name.</param>
/// <param name="Mean">Mean.</param>
/// <param name="StdDev">Population standard deviation.</param>
/// <param name="Min">Minimum.</param>
/// <param name="Max">Maximum.</param>
public sealed record FeatureStatisticsResponse(string Name, double Mean, double StdDev, double Min, double Max);

/// <summary>The list of task ids.</summary>
/// <param name="Tasks">Task ids in order.</param>
public sealed record TaskListResponse(IReadOnlyList<string> Tasks);

/// <summary>One labeled row of a JSON bootstrap.</summary>
/// <param name="Features">Value per feature name.</param>
/// <param name="Label">Class name.</param>
public sealed record LabeledRow(IReadOnlyDictionary<string, double>? Features, string? Label);

/// <summary>Body of <c>POST /v1/tasks/{task}/bootstrap</c> as JSON (CSV is also accepted).</summary>
/// <param name="Training">Rows the first models are trained on.</param>
/// <param name="Golden">Holdout rows every candidate is scored on; never trained on.</param>
public sealed record BootstrapRequest(IReadOnlyList<LabeledRow>? Training, IReadOnlyList<LabeledRow>? Golden);

/// <summary>Body of <c>POST /v1/tasks/{task}/golden</c>.</summary>
/// <param name="Rows">Labeled rows for the golden holdout (never trained on).</param>
/// <param name="Mode"><c>add</c> (default: appended to the holdout) or <c>replace</c> (the holdout becomes these rows; at least 10).</param>
public sealed record GoldenRequest(IReadOnlyList<LabeledRow>? Rows, string? Mode = null);

/// <summary>Result of a golden holdout change.</summary>
/// <param name="Task">Task id.</param>
/// <param name="Revision">The holdout's revision (1: the bootstrap's).</param>
/// <param name="GoldenRows">Rows it holds now.</param>
/// <param name="Mode">add or replace.</param>
/// <param name="Proposer">Production proposer re-scored on it (its goldenAccuracy is on the new holdout).</param>
/// <param name="Critic">Production critic re-scored on it.</param>
public sealed record GoldenResponse(string Task, int Revision, int GoldenRows, string Mode, ModelVersionResponse? Proposer, ModelVersionResponse? Critic);

/// <summary>Result of a bootstrap.</summary>
/// <param name="Proposer">Proposer v1.</param>
/// <param name="Critic">Critic v1.</param>
/// <param name="TrainingRows">Rows trained on.</param>
/// <param name="GoldenRows">Golden rows.</param>
/// <param name="DurationMs">Time taken.</param>
public sealed record BootstrapResponse(ModelVersionResponse Proposer, ModelVersionResponse Critic, int TrainingRows, int GoldenRows, double DurationMs);
