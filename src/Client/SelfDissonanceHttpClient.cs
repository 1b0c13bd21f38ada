using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.ServerSentEvents;
using System.Runtime.CompilerServices;
using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using SelfDissonance.Client.Contracts;
using SelfDissonance.Client.Http;

namespace SelfDissonance.Client;

/// <summary>
/// <see cref="ISelfDissonanceClient"/> over HTTP API v1. Each attempt has its own time limit
/// (<see cref="SelfDissonanceClientOptions.Timeout"/>). Operations that are safe to repeat (reads, episodes and batches,
/// which always carry ids, feedback and predictions) are retried with exponential backoff and jitter on 408, 429, 502,
/// 503, 504, timeouts and transport errors, honouring <c>Retry-After</c>; the others (create task, bootstrap, learn,
/// rollback, policy update) are retried only when the connection could not be established, so nothing was sent.
/// </summary>
public sealed class SelfDissonanceHttpClient : ISelfDissonanceClient
{
    private const string ProblemJson = "application/problem+json";
    private const string EventStream = "text/event-stream";

    // The service sends a ping at least every 10 s; silence for this long means the connection is dead.
    private static readonly TimeSpan WatchSilenceLimit = TimeSpan.FromSeconds(35);
    private static readonly TimeSpan MaxRetryAfter = TimeSpan.FromSeconds(60);

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    private static readonly Retries s_once = new(0, TimeSpan.Zero);

    private readonly HttpClient _http;
    private readonly Retries _retries;
    private readonly SelfDissonanceClientOptions _options;
    private readonly Uri _baseAddress;

    /// <summary>Creates a client from options (as registered by <c>AddSelfDissonanceClient</c>).</summary>
    /// <param name="httpClient">The HTTP client; not disposed by this class. Its own <see cref="HttpClient.Timeout"/> should not be shorter than the whole call with its retries.</param>
    /// <param name="options">The options; <see cref="SelfDissonanceClientOptions.BaseAddress"/> is required.</param>
    [ActivatorUtilitiesConstructor]
    public SelfDissonanceHttpClient(HttpClient httpClient, IOptions<SelfDissonanceClientOptions> options)
        : this(httpClient, (options ?? throw new ArgumentNullException(nameof(options))).Value)
    {
    }

    /// <summary>Creates a client.</summary>
    /// <param name="httpClient">The HTTP client; not disposed by this class. Its own <see cref="HttpClient.Timeout"/> should not be shorter than the whole call with its retries.</param>
    /// <param name="options">The options; <see cref="SelfDissonanceClientOptions.BaseAddress"/> is required.</param>
    public SelfDissonanceHttpClient(HttpClient httpClient, SelfDissonanceClientOptions options)
    {
        ArgumentNullException.ThrowIfNull(httpClient);
        ArgumentNullException.ThrowIfNull(options);
        var address = options.BaseAddress ?? throw new ArgumentException("SelfDissonance:Client:BaseAddress is required.", nameof(options));
        if (!address.IsAbsoluteUri)
        {
            throw new ArgumentException($"SelfDissonance:Client:BaseAddress must be absolute (got '{address}').", nameof(options));
        }

        _http = httpClient;
        _options = options;
        _retries = new Retries(options.MaxRetries, options.RetryBaseDelay);
        // A trailing slash keeps a path prefix (http://host/sd/) when relative routes are resolved against it.
        _baseAddress = address.AbsoluteUri.EndsWith('/') ? address : new Uri(address.AbsoluteUri + "/");
    }

    /// <inheritdoc />
    public Task<TaskResponse> CreateTaskAsync(CreateTaskRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        return SendAsync<TaskResponse>(HttpMethod.Post, "v1/tasks", JsonBody(request), Retry.ConnectOnly, cancellationToken);
    }

    /// <inheritdoc />
    public Task<TaskResponse> GetTaskAsync(string task, CancellationToken cancellationToken = default) =>
        GetAsync<TaskResponse>($"v1/tasks/{Segment(task)}", cancellationToken);

    /// <inheritdoc />
    public Task<TaskListResponse> ListTasksAsync(CancellationToken cancellationToken = default) =>
        GetAsync<TaskListResponse>("v1/tasks", cancellationToken);

    /// <inheritdoc />
    public Task<BootstrapResponse> BootstrapAsync(string task, BootstrapRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        return SendAsync<BootstrapResponse>(HttpMethod.Post, $"v1/tasks/{Segment(task)}/bootstrap", JsonBody(request), Retry.ConnectOnly, cancellationToken, _options.TrainingTimeout);
    }

    /// <inheritdoc />
    public Task<GoldenResponse> SetGoldenAsync(string task, GoldenRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        return SendAsync<GoldenResponse>(HttpMethod.Post, $"v1/tasks/{Segment(task)}/golden", JsonBody(request), Retry.ConnectOnly, cancellationToken, _options.TrainingTimeout);
    }

    /// <inheritdoc />
    public Task<BootstrapResponse> BootstrapFromCsvAsync(string task, Stream csv, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(csv);
        var start = csv.CanSeek ? csv.Position : -1;
        var used = false;
        HttpContent Body()
        {
            if (used)
            {
                // A connection-level retry: rewind when possible; a forward-only stream cannot be sent twice.
                if (start < 0)
                {
                    throw new InvalidOperationException("A forward-only CSV stream cannot be sent again.");
                }

                csv.Position = start;
            }

            used = true;
            return Csv(new LeaveOpenStreamContent(csv));
        }

        return SendAsync<BootstrapResponse>(HttpMethod.Post, $"v1/tasks/{Segment(task)}/bootstrap", Body, csv.CanSeek ? Retry.ConnectOnly : Retry.None, cancellationToken, _options.TrainingTimeout);
    }

    /// <inheritdoc />
    public Task<BootstrapResponse> BootstrapFromCsvFileAsync(string task, string path, CancellationToken cancellationToken = default) =>
        CsvFiles.BootstrapAsync(this, task, path, cancellationToken);

    /// <inheritdoc />
    public Task<EpisodeResponse> RunEpisodeAsync(string task, EpisodeRequest request, CancellationToken cancellationToken = default)
    {
        // The id is fixed before the first attempt: every retry is the same episode, answered from its stored record.
        // With no retries there is nothing to make idempotent: the gateway makes the id and runs the episode on its
        // faster path for new ids.
        var withId = _options.MaxRetries > 0 ? request.WithClientId() : request;
        return SendAsync<EpisodeResponse>(HttpMethod.Post, $"v1/tasks/{Segment(task)}/episodes", JsonBody(withId), Retry.Safe, cancellationToken);
    }

    /// <inheritdoc />
    public Task<BatchAcceptedResponse> SubmitBatchAsync(string task, IReadOnlyList<EpisodeRequest> episodes, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(episodes);
        var withIds = episodes.Select(e => e?.WithClientId()).ToList();
        return SendAsync<BatchAcceptedResponse>(HttpMethod.Post, $"v1/tasks/{Segment(task)}/episodes:batch", JsonBody(withIds), Retry.Safe, cancellationToken);
    }

    /// <inheritdoc />
    public Task<EpisodeRecordResponse> GetEpisodeAsync(string episodeId, CancellationToken cancellationToken = default) =>
        GetAsync<EpisodeRecordResponse>($"v1/episodes/{Segment(episodeId)}", cancellationToken);

    /// <inheritdoc />
    public Task<FeedbackResponse> SendFeedbackAsync(string episodeId, string label, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(label);
        return SendAsync<FeedbackResponse>(HttpMethod.Post, $"v1/episodes/{Segment(episodeId)}/feedback", JsonBody(new FeedbackRequest(label)), Retry.Safe, cancellationToken);
    }

    /// <inheritdoc />
    public Task<EpisodeErasedResponse> EraseEpisodeAsync(string episodeId, CancellationToken cancellationToken = default) =>
        SendAsync<EpisodeErasedResponse>(HttpMethod.Delete, $"v1/episodes/{Segment(episodeId)}", null, Retry.ConnectOnly, cancellationToken);

    /// <inheritdoc />
    public Task<QuarantineReleaseResponse> ReleaseQuarantineAsync(string task, CancellationToken cancellationToken = default) =>
        SendAsync<QuarantineReleaseResponse>(HttpMethod.Post, $"v1/tasks/{Segment(task)}/quarantine:release", null, Retry.ConnectOnly, cancellationToken);

    /// <inheritdoc />
    public Task<PredictResponse> PredictAsync(string task, PredictRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        return SendAsync<PredictResponse>(HttpMethod.Post, $"v1/tasks/{Segment(task)}/predict", JsonBody(request), Retry.Safe, cancellationToken);
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<PredictResponse>> PredictManyAsync(string task, IReadOnlyList<PredictRequest> requests, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(requests);
        return await SendAsync<List<PredictResponse>>(HttpMethod.Post, $"v1/tasks/{Segment(task)}/predict", JsonBody(requests), Retry.Safe, cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public Task<LearnResponse> LearnAsync(string task, CancellationToken cancellationToken = default) =>
        SendAsync<LearnResponse>(HttpMethod.Post, $"v1/tasks/{Segment(task)}/learn", null, Retry.ConnectOnly, cancellationToken, _options.TrainingTimeout);

    /// <inheritdoc />
    public Task<ModelsResponse> ListModelsAsync(string task, CancellationToken cancellationToken = default) =>
        GetAsync<ModelsResponse>($"v1/tasks/{Segment(task)}/models", cancellationToken);

    /// <inheritdoc />
    public Task<CyclesResponse> GetCyclesAsync(string task, int? limit = null, long? before = null, CancellationToken cancellationToken = default)
    {
        var query = string.Join("&", new[]
        {
            limit is { } l ? FormattableString.Invariant($"limit={l}") : null,
            before is { } b ? FormattableString.Invariant($"before={b}") : null,
        }.OfType<string>());
        return GetAsync<CyclesResponse>($"v1/tasks/{Segment(task)}/cycles{(query.Length > 0 ? "?" + query : "")}", cancellationToken);
    }

    /// <inheritdoc />
    public Task<RollbackResponse> RollbackAsync(string task, string role, string? reason = null, CancellationToken cancellationToken = default) =>
        SendAsync<RollbackResponse>(HttpMethod.Post, $"v1/tasks/{Segment(task)}/models/{Segment(role)}/rollback{Reason(reason)}", null, Retry.ConnectOnly, cancellationToken);

    /// <inheritdoc />
    public Task<PolicyResponse> GetPolicyAsync(string task, CancellationToken cancellationToken = default) =>
        GetAsync<PolicyResponse>($"v1/tasks/{Segment(task)}/policy", cancellationToken);

    /// <inheritdoc />
    public Task<PolicyResponse> UpdatePolicyAsync(string task, PolicyUpdate update, string? reason = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(update);
        return SendAsync<PolicyResponse>(HttpMethod.Put, $"v1/tasks/{Segment(task)}/policy{Reason(reason)}", JsonBody(update), Retry.ConnectOnly, cancellationToken);
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<PolicyChangeResponse>> GetPolicyHistoryAsync(string task, CancellationToken cancellationToken = default) =>
        await GetAsync<List<PolicyChangeResponse>>($"v1/tasks/{Segment(task)}/policy/history", cancellationToken).ConfigureAwait(false);

    /// <inheritdoc />
    public Task<TaskMetricsResponse> GetMetricsAsync(string task, CancellationToken cancellationToken = default) =>
        GetAsync<TaskMetricsResponse>($"v1/tasks/{Segment(task)}/metrics", cancellationToken);

    /// <inheritdoc />
    public Task<TaskHistoryResponse> GetHistoryAsync(string task, CancellationToken cancellationToken = default) =>
        GetAsync<TaskHistoryResponse>($"v1/tasks/{Segment(task)}/history", cancellationToken);

    /// <inheritdoc />
    public async IAsyncEnumerable<TaskEvent> WatchAsync(string task, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var uri = new Uri(_baseAddress, $"v1/tasks/{Segment(task)}/events");
        var failures = 0;
        while (true)
        {
            Exception? failure = null;
            using (var subscription = await ConnectEventsAsync(uri, failures, cancellationToken).ConfigureAwait(false))
            {
                if (subscription.Failure is { } connectFailure)
                {
                    failure = connectFailure;
                }
                else
                {
                    failures = 0;
                    var parser = SseParser.Create(subscription.Body!, static (type, data) =>
                        type is TaskEventKinds.Episode or TaskEventKinds.Promotion or TaskEventKinds.Rollback or TaskEventKinds.Cycle or TaskEventKinds.Drift
                            ? JsonSerializer.Deserialize<TaskEvent>(data, Json)
                            : null);
                    // Silence longer than the service's ping interval allows means a dead connection: the enumerator
                    // observes this token itself, so nothing is left pending when it is disposed.
                    using var silence = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
                    var events = parser.EnumerateAsync(silence.Token).GetAsyncEnumerator(silence.Token);
                    await using (events.ConfigureAwait(false))
                    {
                        while (true)
                        {
                            SseItem<TaskEvent?> item;
                            silence.CancelAfter(WatchSilenceLimit);
                            try
                            {
                                if (!await events.MoveNextAsync().ConfigureAwait(false))
                                {
                                    failure = new IOException("The service closed the event stream.");
                                    break;
                                }

                                item = events.Current;
                            }
                            catch (OperationCanceledException e) when (!cancellationToken.IsCancellationRequested)
                            {
                                failure = new TimeoutException($"No event or ping from {uri} for {WatchSilenceLimit.TotalSeconds:0} s.", e);
                                break;
                            }
                            catch (Exception e) when (!cancellationToken.IsCancellationRequested && e is IOException or HttpRequestException)
                            {
                                failure = e;
                                break;
                            }
                            catch (JsonException e)
                            {
                                throw new SelfDissonanceException(200, "invalid_response", "An event could not be read.", e.Message, [], null, e);
                            }

                            if (item.Data is { } taskEvent)
                            {
                                yield return taskEvent;
                            }
                        }
                    }
                }
            }

            // A dropped stream is re-established with the same backoff as a retried call; too many failures in a row
            // without a single successful connection end the subscription.
            failures++;
            if (failures > _options.MaxRetries)
            {
                throw failure as SelfDissonanceException ?? Unreachable(HttpMethod.Get, uri, failures, failure!);
            }

            await DelayAsync(failures, null, cancellationToken).ConfigureAwait(false);
        }
    }

    private async Task<EventSubscription> ConnectEventsAsync(Uri uri, int failures, CancellationToken cancellationToken)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, uri);
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue(EventStream));
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue(ProblemJson));
        AddApiKey(request);
        HttpResponseMessage response;
        try
        {
            using var connectTimeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            connectTimeout.CancelAfter(_options.Timeout);
            response = await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, connectTimeout.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            request.Dispose();
            throw;
        }
        catch (Exception e) when (e is HttpRequestException or OperationCanceledException)
        {
            request.Dispose();
            return new EventSubscription(request, null, null, e);
        }

        if (!response.IsSuccessStatusCode)
        {
            var text = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
            var problem = ToException(response, text);
            response.Dispose();
            request.Dispose();
            if (!IsTransient((HttpStatusCode)(problem.Status ?? 0)) || failures >= _options.MaxRetries)
            {
                throw problem;
            }

            return new EventSubscription(request, null, null, problem);
        }

        var body = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
        return new EventSubscription(request, response, body, null);
    }

    /// <inheritdoc />
    public Task<HealthResponse> GetHealthAsync(CancellationToken cancellationToken = default) => HealthAsync("healthz", cancellationToken);

    /// <inheritdoc />
    public Task<HealthResponse> GetReadinessAsync(CancellationToken cancellationToken = default) => HealthAsync("readyz", cancellationToken);

    private Task<T> GetAsync<T>(string path, CancellationToken cancellationToken) =>
        SendAsync<T>(HttpMethod.Get, path, null, Retry.Safe, cancellationToken);

    private async Task<HealthResponse> HealthAsync(string path, CancellationToken cancellationToken)
    {
        // A probe reports what it sees: 503 is an answer here, so only transport failures are retried.
        using var response = await SendCoreAsync(HttpMethod.Get, path, null, Retry.ConnectOnly, cancellationToken).ConfigureAwait(false);
        var body = (await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false)).Trim();
        if (response.StatusCode is HttpStatusCode.OK or HttpStatusCode.ServiceUnavailable)
        {
            return new HealthResponse(response.StatusCode == HttpStatusCode.OK, (int)response.StatusCode, body);
        }

        throw ToException(response, body);
    }

    private async Task<T> SendAsync<T>(HttpMethod method, string path, Func<HttpContent>? body, Retry retry, CancellationToken cancellationToken, TimeSpan? timeout = null)
    {
        using var response = await SendCoreAsync(method, path, body, retry, cancellationToken, timeout).ConfigureAwait(false);
        var text = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
        if (!response.IsSuccessStatusCode)
        {
            throw ToException(response, text);
        }

        try
        {
            return JsonSerializer.Deserialize<T>(text, Json)
                ?? throw new SelfDissonanceException((int)response.StatusCode, "invalid_response", "The service answered null.", $"{method} {path}", [], null, null);
        }
        catch (JsonException e)
        {
            throw new SelfDissonanceException((int)response.StatusCode, "invalid_response", "The service's answer could not be read.", e.Message, [], null, e);
        }
    }

    /// <summary>Sends with the retry policy; returns the last answer (success or not) or throws <c>unreachable</c>.</summary>
    private async Task<HttpResponseMessage> SendCoreAsync(HttpMethod method, string path, Func<HttpContent>? body, Retry retry, CancellationToken cancellationToken, TimeSpan? timeout = null)
    {
        var limit = timeout ?? _options.Timeout;
        var uri = new Uri(_baseAddress, path);
        var retries = retry == Retry.None ? s_once : _retries;
        var attempts = 0;
        try
        {
            return await retries.RunAsync(
                async token =>
                {
                    attempts++;
                    using var request = new HttpRequestMessage(method, uri);
                    request.Content = body?.Invoke();
                    request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
                    request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue(ProblemJson));
                    AddApiKey(request);
                    using var attemptTimeout = CancellationTokenSource.CreateLinkedTokenSource(token);
                    attemptTimeout.CancelAfter(limit);
                    HttpResponseMessage response;
                    try
                    {
                        response = await _http.SendAsync(request, HttpCompletionOption.ResponseContentRead, attemptTimeout.Token).ConfigureAwait(false);
                    }
                    catch (OperationCanceledException e) when (!token.IsCancellationRequested)
                    {
                        throw new TimeoutException($"{method} {uri} did not answer within {limit.TotalMilliseconds:0} ms.", e);
                    }

                    // The last attempt's answer is returned as it is, so the caller sees the service's problem.
                    if (retry == Retry.Safe && attempts < retries.MaxAttempts && IsTransient(response.StatusCode))
                    {
                        var after = RetryAfter(response);
                        response.Dispose();
                        throw new RetryAfterException(after);
                    }

                    return response;
                },
                e => e switch
                {
                    RetryAfterException or TimeoutException => retry == Retry.Safe,
                    // Nothing was sent when the connection could not be made, so even a non-idempotent call may retry.
                    HttpRequestException h => retry == Retry.Safe || h.HttpRequestError is HttpRequestError.ConnectionError or HttpRequestError.NameResolutionError,
                    _ => false,
                },
                cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is TimeoutException or HttpRequestException)
        {
            throw Unreachable(method, uri, attempts, e);
        }
    }

    private void AddApiKey(HttpRequestMessage request)
    {
        if (!string.IsNullOrEmpty(_options.ApiKey))
        {
            request.Headers.TryAddWithoutValidation("X-Api-Key", _options.ApiKey);
        }
    }

    private static bool IsTransient(HttpStatusCode status) => status is HttpStatusCode.RequestTimeout or HttpStatusCode.TooManyRequests
        or HttpStatusCode.BadGateway or HttpStatusCode.ServiceUnavailable or HttpStatusCode.GatewayTimeout;

    private static TimeSpan? RetryAfter(HttpResponseMessage response)
    {
        var header = response.Headers.RetryAfter;
        var wait = header?.Delta ?? (header?.Date is { } date ? date - DateTimeOffset.UtcNow : null);
        return wait is { } w ? TimeSpan.FromTicks(Math.Clamp(w.Ticks, 0, MaxRetryAfter.Ticks)) : null;
    }

    private Task DelayAsync(int attempt, TimeSpan? retryAfter, CancellationToken cancellationToken)
    {
        // Exponential backoff with "equal jitter": half the step fixed, half random, so clients spread out but never
        // hammer; a Retry-After from the service is a floor.
        var step = _options.RetryBaseDelay.TotalMilliseconds * Math.Pow(2, attempt - 1);
        var delay = TimeSpan.FromMilliseconds((step / 2) + (Random.Shared.NextDouble() * step / 2));
        if (retryAfter is { } floor && floor > delay)
        {
            delay = floor;
        }

        return delay > TimeSpan.Zero ? Task.Delay(delay, cancellationToken) : Task.CompletedTask;
    }

    private static SelfDissonanceException Unreachable(HttpMethod method, Uri uri, int attempts, Exception inner) =>
        new(null, SelfDissonanceException.UnreachableReason, "The service could not be reached.",
            $"{method} {uri} failed after {attempts} attempt{(attempts == 1 ? "" : "s")}: {inner.Message}", [], null, inner);

    private static SelfDissonanceException ToException(HttpResponseMessage response, string body)
    {
        var status = (int)response.StatusCode;
        if (string.Equals(response.Content.Headers.ContentType?.MediaType, ProblemJson, StringComparison.OrdinalIgnoreCase))
        {
            try
            {
                using var document = JsonDocument.Parse(body);
                var root = document.RootElement;
                var reason = String(root, "reason") ?? $"http_{status}";
                var errors = new List<ProblemFieldError>();
                if (root.TryGetProperty("errors", out var list) && list.ValueKind == JsonValueKind.Array)
                {
                    foreach (var item in list.EnumerateArray())
                    {
                        if (item.ValueKind == JsonValueKind.Object)
                        {
                            errors.Add(new ProblemFieldError(String(item, "field") ?? "", String(item, "message") ?? "", String(item, "allowed")));
                        }
                    }
                }

                var problemStatus = root.TryGetProperty("status", out var s) && s.TryGetInt32(out var parsed) ? parsed : status;
                return new SelfDissonanceException(problemStatus, reason, String(root, "title"), String(root, "detail"), errors, String(root, "traceId"), null);
            }
            catch (JsonException)
            {
                // Not a readable problem document: report it like any other failed answer.
            }
        }

        var detail = body.Length > 500 ? body[..500] + "…" : body;
        return new SelfDissonanceException(status, string.Create(CultureInfo.InvariantCulture, $"http_{status}"), response.ReasonPhrase, detail.Length == 0 ? null : detail, [], null, null);
    }

    private static string? String(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    private static Func<HttpContent> JsonBody<T>(T value)
    {
        // Serialized once; every attempt sends the same bytes.
        var bytes = JsonSerializer.SerializeToUtf8Bytes(value, Json);
        return () =>
        {
            var content = new ByteArrayContent(bytes);
            content.Headers.ContentType = new MediaTypeHeaderValue("application/json") { CharSet = "utf-8" };
            return content;
        };
    }

    private static HttpContent Csv(HttpContent content)
    {
        content.Headers.ContentType = new MediaTypeHeaderValue("text/csv") { CharSet = "utf-8" };
        return content;
    }

    private static string Segment(string value)
    {
        ArgumentException.ThrowIfNullOrEmpty(value);
        return Uri.EscapeDataString(value);
    }

    private static string Reason(string? reason) => string.IsNullOrEmpty(reason) ? "" : "?reason=" + Uri.EscapeDataString(reason);

    private enum Retry
    {
        /// <summary>One attempt.</summary>
        None,

        /// <summary>Retried only when the connection could not be established (nothing was sent).</summary>
        ConnectOnly,

        /// <summary>Idempotent: retried on transient statuses, timeouts and transport errors.</summary>
        Safe,
    }

    /// <summary>One connection to the event stream: its open body, or why it could not be opened.</summary>
    private sealed record EventSubscription(HttpRequestMessage Request, HttpResponseMessage? Response, Stream? Body, Exception? Failure) : IDisposable
    {
        public void Dispose()
        {
            Body?.Dispose();
            Response?.Dispose();
            Request.Dispose();
        }
    }
}
