using SelfDissonance.Client.Contracts;

namespace SelfDissonance.Client;

/// <summary>
/// The SelfDissonance API v1 as typed async methods. Every method throws <see cref="SelfDissonanceException"/> when the
/// service refuses the request (with its reason code) or cannot be reached, and <see cref="OperationCanceledException"/>
/// when <c>cancellationToken</c> is cancelled.
/// </summary>
public interface ISelfDissonanceClient
{
    /// <summary>Creates a task (<c>POST /v1/tasks</c>). Not retried: a task id can be created once.</summary>
    /// <param name="request">Id, ordered features, classes and optional policy fields.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The created task.</returns>
    Task<TaskResponse> CreateTaskAsync(CreateTaskRequest request, CancellationToken cancellationToken = default);

    /// <summary>Reads a task's schema, policy, production versions and feature statistics (<c>GET /v1/tasks/{task}</c>).</summary>
    /// <param name="task">Task id.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The task.</returns>
    Task<TaskResponse> GetTaskAsync(string task, CancellationToken cancellationToken = default);

    /// <summary>Lists the task ids (<c>GET /v1/tasks</c>).</summary>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The task ids.</returns>
    Task<TaskListResponse> ListTasksAsync(CancellationToken cancellationToken = default);

    /// <summary>Bootstraps a task from JSON rows: trains proposer v1 and critic v1 (<c>POST /v1/tasks/{task}/bootstrap</c>).</summary>
    /// <param name="task">Task id.</param>
    /// <param name="request">Training and golden rows.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The first versions and their golden accuracy.</returns>
    Task<BootstrapResponse> BootstrapAsync(string task, BootstrapRequest request, CancellationToken cancellationToken = default);

    /// <summary>
    /// Adds rows to a task's golden holdout or replaces it (<c>POST /v1/tasks/{task}/golden</c>): a holdout from an old
    /// concept goes stale after a drift. Production of both roles is re-scored on the new holdout.
    /// </summary>
    /// <param name="task">Task id.</param>
    /// <param name="request">Rows and mode (add or replace).</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The holdout's revision and size, and production re-scored.</returns>
    Task<GoldenResponse> SetGoldenAsync(string task, GoldenRequest request, CancellationToken cancellationToken = default);

    /// <summary>
    /// Bootstraps a task from CSV sent as <c>text/csv</c>: the task's feature columns, a <c>label</c> column and a
    /// <c>split</c> column (<c>train</c> or <c>golden</c>). The stream is read from its current position and not disposed.
    /// </summary>
    /// <param name="task">Task id.</param>
    /// <param name="csv">The CSV document.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The first versions and their golden accuracy.</returns>
    Task<BootstrapResponse> BootstrapFromCsvAsync(string task, Stream csv, CancellationToken cancellationToken = default);

    /// <summary>Bootstraps a task from a CSV file, like <see cref="BootstrapFromCsvAsync"/>.</summary>
    /// <param name="task">Task id.</param>
    /// <param name="path">Path of the CSV file.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The first versions and their golden accuracy.</returns>
    Task<BootstrapResponse> BootstrapFromCsvFileAsync(string task, string path, CancellationToken cancellationToken = default);

    /// <summary>
    /// Runs one episode synchronously (<c>POST /v1/tasks/{task}/episodes</c>). When <paramref name="request"/> has no
    /// id, the client generates one before the first attempt, so a retry is answered from the stored episode
    /// (<see cref="EpisodeResponse.Replayed"/>) and never runs or learns twice. With <c>MaxRetries = 0</c> no attempt is
    /// repeated, so no id is sent: the gateway makes one (returned in the response) and runs the episode on its faster
    /// path for new ids.
    /// </summary>
    /// <param name="task">Task id.</param>
    /// <param name="request">Features, optional label and optional id.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>Prediction, critic, dissonance, gate verdict and the versions that answered.</returns>
    Task<EpisodeResponse> RunEpisodeAsync(string task, EpisodeRequest request, CancellationToken cancellationToken = default);

    /// <summary>
    /// Submits episodes to the durable queue (<c>POST /v1/tasks/{task}/episodes:batch</c>). Items without an id get a
    /// client-generated one first, so the batch can be retried safely.
    /// </summary>
    /// <param name="task">Task id.</param>
    /// <param name="episodes">The episodes (1 to the gateway's MaxBatch).</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The accepted ids, in request order; poll them with <see cref="GetEpisodeAsync"/>.</returns>
    Task<BatchAcceptedResponse> SubmitBatchAsync(string task, IReadOnlyList<EpisodeRequest> episodes, CancellationToken cancellationToken = default);

    /// <summary>Reads an episode's full record and lineage (<c>GET /v1/episodes/{id}</c>).</summary>
    /// <param name="episodeId">Episode id.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The record.</returns>
    Task<EpisodeRecordResponse> GetEpisodeAsync(string episodeId, CancellationToken cancellationToken = default);

    /// <summary>
    /// Gives an episode its ground-truth label later (<c>POST /v1/episodes/{id}/feedback</c>). Idempotent: the same
    /// label again answers <see cref="FeedbackResponse.Duplicate"/>.
    /// </summary>
    /// <param name="episodeId">Episode id.</param>
    /// <param name="label">One of the task's classes.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>What was recorded.</returns>
    Task<FeedbackResponse> SendFeedbackAsync(string episodeId, string label, CancellationToken cancellationToken = default);

    /// <summary>
    /// Erases an episode (<c>DELETE /v1/episodes/{id}</c>): its features and label leave storage and every later training
    /// window, and both roles' registries record that production needs retraining. Not retried; a second erase throws
    /// <see cref="SelfDissonanceException"/> with reason <c>episode_not_found</c>.
    /// </summary>
    /// <param name="episodeId">Episode id.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>What was erased.</returns>
    Task<EpisodeErasedResponse> EraseEpisodeAsync(string episodeId, CancellationToken cancellationToken = default);

    /// <summary>Predicts one input with the production proposer; no episode, no learning (<c>POST /v1/tasks/{task}/predict</c>).</summary>
    /// <param name="task">Task id.</param>
    /// <param name="request">The features.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The prediction.</returns>
    Task<PredictResponse> PredictAsync(string task, PredictRequest request, CancellationToken cancellationToken = default);

    /// <summary>Predicts many inputs in one request (<c>POST /v1/tasks/{task}/predict</c> with an array).</summary>
    /// <param name="task">Task id.</param>
    /// <param name="requests">The inputs (1 to the gateway's MaxPredictRows).</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>One prediction per input, in order.</returns>
    Task<IReadOnlyList<PredictResponse>> PredictManyAsync(string task, IReadOnlyList<PredictRequest> requests, CancellationToken cancellationToken = default);

    /// <summary>Runs a learning cycle now (<c>POST /v1/tasks/{task}/learn</c>). Not retried.</summary>
    /// <param name="task">Task id.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The cycle's outcome.</returns>
    Task<LearnResponse> LearnAsync(string task, CancellationToken cancellationToken = default);

    /// <summary>Releases every label the label-noise guard holds into training (<c>POST /v1/tasks/{task}/quarantine:release</c>). Not retried.</summary>
    /// <param name="task">Task id.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>How many labels were released.</returns>
    Task<QuarantineReleaseResponse> ReleaseQuarantineAsync(string task, CancellationToken cancellationToken = default);

    /// <summary>Lists the model versions of both roles with lineage and production history (<c>GET /v1/tasks/{task}/models</c>).</summary>
    /// <param name="task">Task id.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>Versions per role.</returns>
    Task<ModelsResponse> ListModelsAsync(string task, CancellationToken cancellationToken = default);

    /// <summary>Reads a page of a task's learning cycles, newest first (<c>GET /v1/tasks/{task}/cycles</c>).</summary>
    /// <param name="task">Task id.</param>
    /// <param name="limit">At most this many cycles, 1 to 500 (null: 50).</param>
    /// <param name="before">Only cycles numbered below this one (null: from the newest); the previous page's <see cref="CyclesResponse.Next"/>.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The cycles, newest first, and the <c>before</c> of the following page (null at the end).</returns>
    Task<CyclesResponse> GetCyclesAsync(string task, int? limit = null, long? before = null, CancellationToken cancellationToken = default);

    /// <summary>Rolls a role back to its previous production version (<c>POST /v1/tasks/{task}/models/{role}/rollback</c>). Not retried.</summary>
    /// <param name="task">Task id.</param>
    /// <param name="role"><c>proposer</c> or <c>critic</c>.</param>
    /// <param name="reason">Optional reason recorded in the production history (at most 200 characters).</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The version that was production and the one that is now.</returns>
    Task<RollbackResponse> RollbackAsync(string task, string role, string? reason = null, CancellationToken cancellationToken = default);

    /// <summary>Reads a task's policy (<c>GET /v1/tasks/{task}/policy</c>).</summary>
    /// <param name="task">Task id.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The policy with its revision and budget.</returns>
    Task<PolicyResponse> GetPolicyAsync(string task, CancellationToken cancellationToken = default);

    /// <summary>Updates some policy fields (<c>PUT /v1/tasks/{task}/policy</c>); omitted fields keep their value. Not retried.</summary>
    /// <param name="task">Task id.</param>
    /// <param name="update">The fields to change.</param>
    /// <param name="reason">Optional reason recorded in the policy history (at most 200 characters).</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The policy after the change.</returns>
    Task<PolicyResponse> UpdatePolicyAsync(string task, PolicyUpdate update, string? reason = null, CancellationToken cancellationToken = default);

    /// <summary>Reads every policy revision (<c>GET /v1/tasks/{task}/policy/history</c>).</summary>
    /// <param name="task">Task id.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The revisions, oldest first.</returns>
    Task<IReadOnlyList<PolicyChangeResponse>> GetPolicyHistoryAsync(string task, CancellationToken cancellationToken = default);

    /// <summary>Reads a task's metrics (<c>GET /v1/tasks/{task}/metrics</c>).</summary>
    /// <param name="task">Task id.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>Episode counts, dissonance, budget, accuracy per version and learner counters.</returns>
    Task<TaskMetricsResponse> GetMetricsAsync(string task, CancellationToken cancellationToken = default);

    /// <summary>Reads a task's sampled history: traffic, lambda, budget and accuracy per version over time (<c>GET /v1/tasks/{task}/history</c>).</summary>
    /// <param name="task">Task id.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The samples, oldest first.</returns>
    Task<TaskHistoryResponse> GetHistoryAsync(string task, CancellationToken cancellationToken = default);

    /// <summary>
    /// Subscribes to a task's live events: episode outcomes, promotions, rollbacks and learning cycles (over HTTP the
    /// server-sent events of <c>GET /v1/tasks/{task}/events</c>; over the cluster client the task's Orleans stream).
    /// The sequence runs until <paramref name="cancellationToken"/> is cancelled (then it throws
    /// <see cref="OperationCanceledException"/>); a dropped connection is re-established with backoff (events in
    /// between are not replayed).
    /// </summary>
    /// <param name="task">Task id.</param>
    /// <param name="cancellationToken">Ends the subscription.</param>
    /// <returns>The events as they happen.</returns>
    IAsyncEnumerable<TaskEvent> WatchAsync(string task, CancellationToken cancellationToken = default);

    /// <summary>Liveness (<c>GET /healthz</c>): whether the process answers. 200 and 503 are answers, not errors.</summary>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The status.</returns>
    Task<HealthResponse> GetHealthAsync(CancellationToken cancellationToken = default);

    /// <summary>Readiness (<c>GET /readyz</c>): whether the silo can serve. 200 and 503 are answers, not errors.</summary>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The status.</returns>
    Task<HealthResponse> GetReadinessAsync(CancellationToken cancellationToken = default);
}
