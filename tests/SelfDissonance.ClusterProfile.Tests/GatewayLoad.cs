using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using SelfDissonance.Client.Contracts;
using SelfDissonance.Tasks;
using SelfDissonance.Testing;

namespace SelfDissonance.ClusterProfile.Tests;

/// <summary>
/// Drives sync episodes, batch submissions and feedback through several gateways the way a careful client does: every
/// episode carries an id, and a request that fails on one gateway (refused connection, 5xx) is retried with the same
/// id on the next. Records what was acknowledged and every 5xx with its gateway and time.
/// </summary>
public sealed class GatewayLoad(IReadOnlyList<SiloProcess> gateways, string task, IReadOnlyList<LabeledExample> data)
{
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private readonly ConcurrentQueue<(string Id, string Label)> _needFeedback = new();
    private int _next;
    private SiloProcess[] _gateways = [.. gateways];

    /// <summary>A gateway joins (scale out): clients start sending to it.</summary>
    public void AddGateway(SiloProcess gateway) => _gateways = [.. _gateways, gateway];

    /// <summary>A gateway leaves the client's list (the load balancer took it out) before it is stopped.</summary>
    public void RemoveGateway(SiloProcess gateway) => _gateways = [.. _gateways.Where(g => g != gateway)];

    public ConcurrentDictionary<string, bool> AckedSync { get; } = new();

    public ConcurrentDictionary<string, bool> AckedBatch { get; } = new();

    public ConcurrentDictionary<string, string> AckedFeedback { get; } = new();

    public ConcurrentBag<(TimeSpan StartedAt, string Gateway, int Status, string Body)> ServerErrors { get; } = [];

    public long Retries;

    /// <summary>Requests no gateway accepted within a minute: failures a retrying client would see.</summary>
    public long Failed;

    /// <summary>Requests that got an answer (accepted), across every kind.</summary>
    public long Succeeded;

    public TimeSpan Now => _clock.Elapsed;

    /// <summary>Gateways a client would skip (it learned they are gone); requests are still retried elsewhere without it.</summary>
    public ConcurrentDictionary<string, bool> Down { get; } = new();

    public Task RunAsync(int syncWorkers, CancellationToken stop) => Task.WhenAll(
        Enumerable.Range(0, syncWorkers).Select(w => Task.Run(() => SyncWorkerAsync(w, stop), CancellationToken.None))
            .Append(Task.Run(() => BatchWorkerAsync(stop), CancellationToken.None))
            .Append(Task.Run(() => FeedbackWorkerAsync(stop), CancellationToken.None)));

    private async Task SyncWorkerAsync(int worker, CancellationToken stop)
    {
        for (var n = 0; !stop.IsCancellationRequested; n++)
        {
            var row = data[Interlocked.Increment(ref _next) % data.Count];
            var id = $"s{worker}-{n}";
            // Half the episodes carry their label; the other half get it later as feedback.
            var labeled = n % 2 == 0;
            var label = TwoMoons.Classes[row.Label];
            var body = new EpisodeRequest(Api.Features(row), labeled ? label : null, id);
            var response = await SendAsync(http => http.PostAsJsonAsync($"/v1/tasks/{task}/episodes", body, Api.Json, CancellationToken.None), HttpStatusCode.OK);
            if (response is not null)
            {
                AckedSync[id] = true;
                if (!labeled)
                {
                    _needFeedback.Enqueue((id, label));
                }
            }
        }
    }

    private async Task BatchWorkerAsync(CancellationToken stop)
    {
        for (var n = 0; !stop.IsCancellationRequested; n++)
        {
            var rows = Enumerable.Range(0, 20).Select(k =>
            {
                var row = data[Interlocked.Increment(ref _next) % data.Count];
                return new EpisodeRequest(Api.Features(row), TwoMoons.Classes[row.Label], $"b{n}-{k}");
            }).ToList();
            var response = await SendAsync(http => http.PostAsJsonAsync($"/v1/tasks/{task}/episodes:batch", rows, Api.Json, CancellationToken.None), HttpStatusCode.Accepted);
            if (response is not null)
            {
                var accepted = System.Text.Json.JsonSerializer.Deserialize<BatchAcceptedResponse>(response, Api.Json)!;
                foreach (var id in accepted.Ids)
                {
                    AckedBatch[id] = true;
                }
            }

            await Task.Delay(50, CancellationToken.None);
        }
    }

    private async Task FeedbackWorkerAsync(CancellationToken stop)
    {
        while (!stop.IsCancellationRequested)
        {
            if (!_needFeedback.TryDequeue(out var item))
            {
                await Task.Delay(20, CancellationToken.None);
                continue;
            }

            var response = await SendAsync(http => http.PostAsJsonAsync($"/v1/episodes/{item.Id}/feedback", new FeedbackRequest(item.Label), Api.Json, CancellationToken.None), HttpStatusCode.Accepted, HttpStatusCode.OK);
            if (response is not null)
            {
                AckedFeedback[item.Id] = item.Label;
            }
        }
    }

    /// <summary>The answer's body once a gateway accepted the request; null if every attempt failed for a minute.</summary>
    private async Task<string?> SendAsync(Func<HttpClient, Task<HttpResponseMessage>> send, params HttpStatusCode[] ok)
    {
        var deadline = _clock.Elapsed + TimeSpan.FromMinutes(1);
        for (var attempt = 0; _clock.Elapsed < deadline; attempt++)
        {
            var gateway = Pick(attempt);
            var started = _clock.Elapsed;
            try
            {
                using var response = await send(gateway.Http);
                var body = await response.Content.ReadAsStringAsync(CancellationToken.None);
                if (ok.Contains(response.StatusCode))
                {
                    Interlocked.Increment(ref Succeeded);
                    return body;
                }

                if ((int)response.StatusCode >= 500)
                {
                    ServerErrors.Add((started, gateway.Name, (int)response.StatusCode, body));
                }
                else
                {
                    throw new InvalidOperationException($"{gateway.Name} answered {(int)response.StatusCode}: {body}");
                }
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
            {
                // Refused or reset: the gateway is gone. A client moves on to the next one with the same request.
                Down[gateway.Name] = true;
            }

            Interlocked.Increment(ref Retries);
            await Task.Delay(Math.Min(50 * (attempt + 1), 500), CancellationToken.None);
        }

        Interlocked.Increment(ref Failed);
        return null;
    }

    private SiloProcess Pick(int attempt)
    {
        var all = _gateways;
        var alive = all.Where(g => !Down.ContainsKey(g.Name)).ToList();
        var pool = alive.Count > 0 ? alive : [.. all];
        return pool[(Interlocked.Increment(ref _next) + attempt) % pool.Count];
    }
}
