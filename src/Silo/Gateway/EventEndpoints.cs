using System.Net.ServerSentEvents;
using System.Runtime.CompilerServices;
using System.Text.Json;
using SelfDissonance.Client.Cluster;
using SelfDissonance.Client.Contracts;
using static SelfDissonance.Silo.Gateway.GatewayResults;

namespace SelfDissonance.Silo.Gateway;

/// <summary>A task's live events as server-sent events, and its sampled history.</summary>
public static class EventEndpoints
{
    /// <summary>A ping this often lets clients and proxies tell an idle stream from a dead one.</summary>
    public static readonly TimeSpan PingInterval = TimeSpan.FromSeconds(10);

    public static RouteGroupBuilder MapEventEndpoints(this RouteGroupBuilder v1)
    {
        v1.MapGet("/tasks/{task}/events", WatchAsync)
            .WithName("WatchTask")
            .WithSummary("Live events (server-sent events): episode outcomes, promotions, rollbacks, learning cycles, drift alarms; a ping every 10 s.")
            .Produces(StatusCodes.Status200OK, contentType: "text/event-stream")
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .DisableRequestTimeout();
        v1.MapGet("/tasks/{task}/history", HistoryAsync).Describe<TaskHistoryResponse>("TaskHistory", "Sampled traffic, lambda, budget and accuracy per model version over time.");
        return v1;
    }

    private static async Task<IResult> WatchAsync(string task, GrainApi api, IClusterClient client, Hosting.SiloDrain drain, HttpContext context)
    {
        var id = (await api.SnapshotAsync(task)).Definition.Id;

        // Subscribed before the answer starts, so every event after the client sees the headers reaches it.
        var subscription = await TaskEventSubscription.StartAsync(client, id);
        context.Response.Headers.CacheControl = "no-cache";
        // Reverse proxies (nginx) must not buffer the stream.
        context.Response.Headers["X-Accel-Buffering"] = "no";
        // A stopping silo ends its streams so the listener can close; the SDK reconnects to another gateway.
        var ends = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted, drain.Closing);
        context.Response.RegisterForDispose(ends);
        return TypedResults.ServerSentEvents(ReadAsync(id, subscription, ends.Token));
    }

    private static async IAsyncEnumerable<SseItem<string>> ReadAsync(
        string taskId, TaskEventSubscription subscription, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await using var _ = subscription;
        var reader = subscription.Reader;
        yield return new SseItem<string>(JsonSerializer.Serialize(new { task = taskId }, GatewayJson.Responses), "ready");
        while (!cancellationToken.IsCancellationRequested)
        {
            bool ready;
            using (var ping = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken))
            {
                ping.CancelAfter(PingInterval);
                try
                {
                    ready = await reader.WaitToReadAsync(ping.Token);
                }
                catch (OperationCanceledException)
                {
                    // Time for a ping, or the end (client gone, silo stopping): the stream then ends cleanly.
                    ready = !cancellationToken.IsCancellationRequested;
                }
            }

            if (!ready)
            {
                yield break;
            }

            if (!reader.TryRead(out var batch))
            {
                yield return new SseItem<string>("{}", "ping");
                continue;
            }

            foreach (var item in batch.Events)
            {
                yield return new SseItem<string>(JsonSerializer.Serialize(TaskEventMapper.ToWire(taskId, item), GatewayJson.Responses), item.Kind);
            }
        }
    }

    private static async Task<IResult> HistoryAsync(string task, GrainApi api) => Json(await api.GetHistoryAsync(task));
}
