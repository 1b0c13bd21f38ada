using System.Net;
using System.Text;
using SelfDissonance.Testing;

namespace SelfDissonance.Client.Tests;

/// <summary>
/// A tiny real HTTP server on a free loopback port that answers each request with the next scripted answer (the last
/// one repeats) and counts the requests it received. For testing the client's retry policy, not our gateway.
/// </summary>
public sealed class StubServer : IAsyncDisposable
{
    private readonly HttpListener _listener = new();
    private readonly Func<int, HttpListenerContext, Task> _answer;
    private readonly Task _loop;
    private readonly CancellationTokenSource _stop = new();
    private int _requests;

    public StubServer(Func<int, HttpListenerContext, Task> answer)
    {
        _answer = answer;
        var port = FreePort.Next();
        BaseAddress = new Uri($"http://127.0.0.1:{port}/");
        _listener.Prefixes.Add(BaseAddress.ToString());
        _listener.Start();
        _loop = Task.Run(LoopAsync);
    }

    public Uri BaseAddress { get; }

    public int Requests => Volatile.Read(ref _requests);

    public List<string?> ApiKeys { get; } = [];

    /// <summary>Answers the statuses in order (the last repeats), each with a problem body or a JSON body on success.</summary>
    public static StubServer Statuses(params int[] statuses) => new(async (n, context) =>
    {
        var status = statuses[Math.Min(n, statuses.Length) - 1];
        await (status < 400 ? Write(context, status, "application/json", "{\"tasks\":[\"a\",\"b\"]}") : Problem(context, status, $"stub_{status}"));
    });

    public static async Task Write(HttpListenerContext context, int status, string contentType, string body, string? retryAfter = null)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = contentType;
        if (retryAfter is not null)
        {
            context.Response.Headers["Retry-After"] = retryAfter;
        }

        var bytes = Encoding.UTF8.GetBytes(body);
        context.Response.ContentLength64 = bytes.Length;
        await context.Response.OutputStream.WriteAsync(bytes);
        context.Response.Close();
    }

    public static Task Problem(HttpListenerContext context, int status, string reason, string? retryAfter = null) =>
        Write(context, status, "application/problem+json",
            $"{{\"type\":\"https://selfdissonance.dev/problems/{reason}\",\"title\":\"Stub {status}.\",\"status\":{status},\"detail\":\"Scripted.\",\"reason\":\"{reason}\",\"traceId\":\"t-{status}\"}}",
            retryAfter);

    private async Task LoopAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            HttpListenerContext context;
            try
            {
                context = await _listener.GetContextAsync();
            }
            catch (Exception) when (_stop.IsCancellationRequested)
            {
                return;
            }
            catch (HttpListenerException)
            {
                return;
            }

            var n = Interlocked.Increment(ref _requests);
            lock (ApiKeys)
            {
                ApiKeys.Add(context.Request.Headers["X-Api-Key"]);
            }

            _ = Task.Run(async () =>
            {
                try
                {
                    await _answer(n, context);
                }
                catch (Exception)
                {
                    // The client gave up on this request (a per-attempt timeout); nothing to answer.
                }
            });
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        _listener.Close();
        await _loop;
        _stop.Dispose();
    }
}

/// <summary>Counts the requests the client hands to the network (every attempt, reached or not).</summary>
public sealed class CountingHandler(HttpMessageHandler inner) : DelegatingHandler(inner)
{
    private int _attempts;

    public int Attempts => Volatile.Read(ref _attempts);

    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref _attempts);
        return base.SendAsync(request, cancellationToken);
    }
}
