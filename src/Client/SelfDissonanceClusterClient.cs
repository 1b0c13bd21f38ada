using System.Runtime.CompilerServices;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using SelfDissonance.Client.Cluster;
using SelfDissonance.Client.Contracts;
using SelfDissonance.Models;

namespace SelfDissonance.Client;

/// <summary>
/// <see cref="ISelfDissonanceClient"/> over an Orleans cluster client, for applications inside the cluster: the same
/// operations, validation and answers as the HTTP gateway (both run the same grain operations), without the HTTP hop.
/// The <see cref="IClusterClient"/> must be connected to the SelfDissonance cluster and, for
/// <see cref="WatchAsync"/>, configured with <see cref="ClientBuilderExtensions.AddSelfDissonanceEvents"/>.
/// Operations that are safe to repeat are retried with backoff while the cluster is briefly unavailable (a silo died
/// and membership has not caught up); episodes always carry an id, so a retry never runs twice.
/// </summary>
public sealed class SelfDissonanceClusterClient : ISelfDissonanceClient
{
    private readonly IClusterClient _client;
    private readonly SelfDissonanceClusterClientOptions _options;
    private readonly GrainApi _api;
    private readonly Retries _retries;

    /// <summary>Creates a client from options (as registered by <c>AddSelfDissonanceClusterClient</c>).</summary>
    /// <param name="client">A connected Orleans cluster client.</param>
    /// <param name="options">The options.</param>
    [ActivatorUtilitiesConstructor]
    public SelfDissonanceClusterClient(IClusterClient client, IOptions<SelfDissonanceClusterClientOptions> options)
        : this(client, (options ?? throw new ArgumentNullException(nameof(options))).Value)
    {
    }

    /// <summary>Creates a client.</summary>
    /// <param name="client">A connected Orleans cluster client.</param>
    /// <param name="options">The options; defaults when null.</param>
    public SelfDissonanceClusterClient(IClusterClient client, SelfDissonanceClusterClientOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(client);
        _client = client;
        _options = options ?? new SelfDissonanceClusterClientOptions();
        _api = new GrainApi(client, new ClusterSchemas(client), _options.MaxBatch, _options.MaxPredictRows);
        _retries = new Retries(_options.MaxRetries, _options.RetryBaseDelay);
    }

    /// <inheritdoc />
    public Task<TaskResponse> CreateTaskAsync(CreateTaskRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        return CallAsync(() => _api.CreateTaskAsync(request), Retry.None, cancellationToken);
    }

    /// <inheritdoc />
    public Task<TaskResponse> GetTaskAsync(string task, CancellationToken cancellationToken = default) =>
        CallAsync(() => _api.GetTaskAsync(task), Retry.Safe, cancellationToken);

    /// <inheritdoc />
    public Task<TaskListResponse> ListTasksAsync(CancellationToken cancellationToken = default) =>
        CallAsync(_api.ListTasksAsync, Retry.Safe, cancellationToken);

    /// <inheritdoc />
    public Task<BootstrapResponse> BootstrapAsync(string task, BootstrapRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        return CallAsync(() => _api.BootstrapAsync(task, request, _options.Caller), Retry.None, cancellationToken);
    }

    /// <inheritdoc />
    public Task<GoldenResponse> SetGoldenAsync(string task, GoldenRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        return CallAsync(() => _api.SetGoldenAsync(task, request, _options.Caller), Retry.None, cancellationToken);
    }

    /// <inheritdoc />
    public Task<BootstrapResponse> BootstrapFromCsvAsync(string task, Stream csv, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(csv);
        return CallAsync(() => _api.BootstrapFromCsvAsync(task, csv, _options.Caller), Retry.None, cancellationToken);
    }

    /// <inheritdoc />
    public Task<BootstrapResponse> BootstrapFromCsvFileAsync(string task, string path, CancellationToken cancellationToken = default) =>
        CsvFiles.BootstrapAsync(this, task, path, cancellationToken);

    /// <inheritdoc />
    public Task<EpisodeResponse> RunEpisodeAsync(string task, EpisodeRequest request, CancellationToken cancellationToken = default)
    {
        // As over HTTP: an id fixed before the first attempt makes retries idempotent; without retries the silo makes one.
        var withId = _options.MaxRetries > 0 ? request.WithClientId() : request;
        return CallAsync(() => _api.RunEpisodeAsync(task, withId), Retry.Safe, cancellationToken);
    }

    /// <inheritdoc />
    public Task<BatchAcceptedResponse> SubmitBatchAsync(string task, IReadOnlyList<EpisodeRequest> episodes, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(episodes);
        var withIds = episodes.Select(e => e?.WithClientId()).ToList();
        return CallAsync(() => _api.SubmitBatchAsync(task, withIds), Retry.Safe, cancellationToken);
    }

    /// <inheritdoc />
    public Task<EpisodeRecordResponse> GetEpisodeAsync(string episodeId, CancellationToken cancellationToken = default) =>
        CallAsync(() => _api.GetEpisodeAsync(episodeId), Retry.Safe, cancellationToken);

    /// <inheritdoc />
    public Task<FeedbackResponse> SendFeedbackAsync(string episodeId, string label, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(label);
        return CallAsync(() => _api.SendFeedbackAsync(episodeId, label, _options.Caller), Retry.Safe, cancellationToken);
    }

    /// <inheritdoc />
    public Task<EpisodeErasedResponse> EraseEpisodeAsync(string episodeId, CancellationToken cancellationToken = default) =>
        CallAsync(() => _api.EraseEpisodeAsync(episodeId, _options.Caller), Retry.None, cancellationToken);

    /// <inheritdoc />
    public Task<QuarantineReleaseResponse> ReleaseQuarantineAsync(string task, CancellationToken cancellationToken = default) =>
        CallAsync(() => _api.ReleaseQuarantineAsync(task, _options.Caller), Retry.None, cancellationToken);

    /// <inheritdoc />
    public Task<PredictResponse> PredictAsync(string task, PredictRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        return CallAsync(() => _api.PredictAsync(task, request), Retry.Safe, cancellationToken);
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<PredictResponse>> PredictManyAsync(string task, IReadOnlyList<PredictRequest> requests, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(requests);
        return await CallAsync(() => _api.PredictManyAsync(task, requests), Retry.Safe, cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public Task<LearnResponse> LearnAsync(string task, CancellationToken cancellationToken = default) =>
        CallAsync(() => _api.LearnAsync(task, _options.Caller), Retry.None, cancellationToken);

    /// <inheritdoc />
    public Task<ModelsResponse> ListModelsAsync(string task, CancellationToken cancellationToken = default) =>
        CallAsync(() => _api.ListModelsAsync(task), Retry.Safe, cancellationToken);

    /// <inheritdoc />
    public Task<CyclesResponse> GetCyclesAsync(string task, int? limit = null, long? before = null, CancellationToken cancellationToken = default) =>
        CallAsync(() => _api.GetCyclesAsync(task, limit, before), Retry.Safe, cancellationToken);

    /// <inheritdoc />
    public Task<RollbackResponse> RollbackAsync(string task, string role, string? reason = null, CancellationToken cancellationToken = default) =>
        CallAsync(() => _api.RollbackAsync(task, role, reason, _options.Caller), Retry.None, cancellationToken);

    /// <inheritdoc />
    public Task<PolicyResponse> GetPolicyAsync(string task, CancellationToken cancellationToken = default) =>
        CallAsync(() => _api.GetPolicyAsync(task), Retry.Safe, cancellationToken);

    /// <inheritdoc />
    public Task<PolicyResponse> UpdatePolicyAsync(string task, PolicyUpdate update, string? reason = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(update);
        return CallAsync(() => _api.UpdatePolicyAsync(task, update, reason, _options.Caller), Retry.None, cancellationToken);
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<PolicyChangeResponse>> GetPolicyHistoryAsync(string task, CancellationToken cancellationToken = default) =>
        await CallAsync(() => _api.GetPolicyHistoryAsync(task), Retry.Safe, cancellationToken).ConfigureAwait(false);

    /// <inheritdoc />
    public Task<TaskMetricsResponse> GetMetricsAsync(string task, CancellationToken cancellationToken = default) =>
        CallAsync(() => _api.GetMetricsAsync(task), Retry.Safe, cancellationToken);

    /// <inheritdoc />
    public Task<TaskHistoryResponse> GetHistoryAsync(string task, CancellationToken cancellationToken = default) =>
        CallAsync(() => _api.GetHistoryAsync(task), Retry.Safe, cancellationToken);

    /// <summary>Whether the cluster answers: a cheap grain call (the task directory). Never throws for an unavailable cluster.</summary>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>Healthy with status 200, or unhealthy with 503 and the reason.</returns>
    public async Task<HealthResponse> GetHealthAsync(CancellationToken cancellationToken = default)
    {
        try
        {
            await CallAsync(_api.ListTasksAsync, Retry.None, cancellationToken).ConfigureAwait(false);
            return new HealthResponse(true, 200, "Healthy");
        }
        catch (SelfDissonanceException e)
        {
            return new HealthResponse(false, 503, e.Reason);
        }
    }

    /// <summary>Same as <see cref="GetHealthAsync"/>: a cluster client is ready when the cluster answers.</summary>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The status.</returns>
    public Task<HealthResponse> GetReadinessAsync(CancellationToken cancellationToken = default) => GetHealthAsync(cancellationToken);

    /// <inheritdoc />
    public async IAsyncEnumerable<TaskEvent> WatchAsync(string task, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var id = (await CallAsync(() => _api.SnapshotAsync(task), Retry.Safe, cancellationToken).ConfigureAwait(false)).Definition.Id;
        var subscription = await TaskEventSubscription.StartAsync(_client, id).ConfigureAwait(false);
        await using (subscription.ConfigureAwait(false))
        {
            while (true)
            {
                var batch = await subscription.Reader.ReadAsync(cancellationToken).ConfigureAwait(false);
                foreach (var item in batch.Events)
                {
                    yield return TaskEventMapper.ToWire(id, item);
                }
            }
        }
    }

    private async Task<T> CallAsync<T>(Func<Task<T>> call, Retry retry, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        return await _retries.RunAsync(
            async ct =>
            {
                try
                {
                    return await call().WaitAsync(ct).ConfigureAwait(false);
                }
                catch (Exception e) when (Translate(e) is { } problem)
                {
                    throw problem;
                }
            },
            retry == Retry.Safe ? IsTransient : static _ => false,
            cancellationToken).ConfigureAwait(false);
    }

    private static bool IsTransient(Exception e) => e is SelfDissonanceException { Status: 503 };

    /// <summary>The gateway's problem mapping, as exceptions.</summary>
    private static SelfDissonanceException? Translate(Exception e) => e switch
    {
        DomainException d => new SelfDissonanceException(d.Status, d.Reason, d.Title, d.Detail, [.. d.Errors.Select(f => new ProblemFieldError(f.Field, f.Message, f.Allowed))], null, d),
        ArtifactStoreUnavailableException => new SelfDissonanceException(503, ReasonCodes.StoreUnavailable, "The model store is unavailable.", "Serving continues with cached models; retry this operation later.", [], null, e),
        ArtifactIntegrityException => new SelfDissonanceException(503, ReasonCodes.ArtifactIntegrity, "A model artifact failed its integrity check and is not served.", e.Message, [], null, e),
        OrleansMessageRejectionException or SiloUnavailableException or GatewayTooBusyException =>
            new SelfDissonanceException(503, ReasonCodes.ClusterUnavailable, "Part of the cluster is unavailable.", e.Message, [], null, e),
        TimeoutException => new SelfDissonanceException(503, ReasonCodes.ModelUnavailable, "The cluster did not answer in time.", e.Message, [], null, e),
        _ => null,
    };

    private enum Retry
    {
        None,
        Safe,
    }
}
