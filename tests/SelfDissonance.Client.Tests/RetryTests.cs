using System.Diagnostics;
using SelfDissonance.Testing;
using static SelfDissonance.Testing.Api;

namespace SelfDissonance.Client.Tests;

/// <summary>The retry policy, driven by a scripted real HTTP server on loopback (not our gateway).</summary>
public sealed class RetryTests
{
    private static SelfDissonanceHttpClient Client(HttpClient http, Uri address, int maxRetries = 3, TimeSpan? timeout = null, string? apiKey = null) =>
        new(http, new SelfDissonanceClientOptions
        {
            BaseAddress = address,
            MaxRetries = maxRetries,
            RetryBaseDelay = TimeSpan.FromMilliseconds(10),
            Timeout = timeout ?? TimeSpan.FromSeconds(10),
            ApiKey = apiKey,
        });

    [Fact]
    public async Task A_read_is_retried_on_503_until_it_succeeds()
    {
        await using var stub = StubServer.Statuses(503, 503, 200);
        using var http = new HttpClient();
        var tasks = await Client(http, stub.BaseAddress).ListTasksAsync(Ct);
        Assert.Equal(["a", "b"], tasks.Tasks);
        Assert.Equal(3, stub.Requests);
    }

    [Theory]
    [InlineData(408)]
    [InlineData(429)]
    [InlineData(502)]
    [InlineData(504)]
    public async Task Other_transient_statuses_are_retried(int status)
    {
        await using var stub = StubServer.Statuses(status, 200);
        using var http = new HttpClient();
        await Client(http, stub.BaseAddress).ListTasksAsync(Ct);
        Assert.Equal(2, stub.Requests);
    }

    [Fact]
    public async Task A_400_is_not_retried_and_keeps_the_problem()
    {
        await using var stub = StubServer.Statuses(400, 200);
        using var http = new HttpClient();
        var e = await Assert.ThrowsAsync<SelfDissonanceException>(() => Client(http, stub.BaseAddress).ListTasksAsync(Ct));
        Assert.Equal(400, e.Status);
        Assert.Equal("stub_400", e.Reason);
        Assert.Equal("t-400", e.TraceId);
        Assert.Equal(1, stub.Requests);
    }

    [Fact]
    public async Task The_last_503_is_thrown_after_MaxRetries()
    {
        await using var stub = StubServer.Statuses(503);
        using var http = new HttpClient();
        var e = await Assert.ThrowsAsync<SelfDissonanceException>(() => Client(http, stub.BaseAddress, maxRetries: 2).GetTaskAsync("t", Ct));
        Assert.Equal((503, "stub_503"), (e.Status, e.Reason));
        Assert.Equal(3, stub.Requests);
    }

    [Fact]
    public async Task Learn_is_not_retried_on_503()
    {
        await using var stub = StubServer.Statuses(503, 200);
        using var http = new HttpClient();
        var client = Client(http, stub.BaseAddress);
        var e = await Assert.ThrowsAsync<SelfDissonanceException>(() => client.LearnAsync("t", Ct));
        Assert.Equal(503, e.Status);
        Assert.Equal(1, stub.Requests);
    }

    [Fact]
    public async Task Retry_After_is_honoured()
    {
        await using var stub = new StubServer((n, context) => n == 1
            ? StubServer.Problem(context, 503, "cluster_unavailable", retryAfter: "1")
            : StubServer.Write(context, 200, "application/json", "{\"tasks\":[]}"));
        using var http = new HttpClient();
        var clock = Stopwatch.StartNew();
        await Client(http, stub.BaseAddress).ListTasksAsync(Ct);
        Assert.Equal(2, stub.Requests);
        Assert.True(clock.Elapsed >= TimeSpan.FromMilliseconds(950), $"retried after {clock.Elapsed.TotalMilliseconds:0} ms");
    }

    [Fact]
    public async Task A_non_problem_failure_is_http_status()
    {
        await using var stub = new StubServer((_, context) => StubServer.Write(context, 500, "text/plain", "boom"));
        using var http = new HttpClient();
        var e = await Assert.ThrowsAsync<SelfDissonanceException>(() => Client(http, stub.BaseAddress).ListTasksAsync(Ct));
        Assert.Equal((500, "http_500", "boom"), (e.Status, e.Reason, e.Detail));
        Assert.Equal(1, stub.Requests);
    }

    [Fact]
    public async Task A_slow_attempt_times_out_and_a_read_is_retried()
    {
        await using var stub = new StubServer(async (n, context) =>
        {
            if (n == 1)
            {
                await Task.Delay(3000, CancellationToken.None);
            }

            await StubServer.Write(context, 200, "application/json", "{\"tasks\":[\"late\"]}");
        });
        using var http = new HttpClient();
        var clock = Stopwatch.StartNew();
        var tasks = await Client(http, stub.BaseAddress, timeout: TimeSpan.FromMilliseconds(300)).ListTasksAsync(Ct);
        Assert.Equal(["late"], tasks.Tasks);
        Assert.Equal(2, stub.Requests);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(2.5), $"took {clock.Elapsed}");
    }

    [Fact]
    public async Task Training_calls_wait_for_TrainingTimeout_not_Timeout()
    {
        // Every answer takes 1 s: longer than Timeout, well within TrainingTimeout.
        await using var stub = new StubServer(async (n, context) =>
        {
            await Task.Delay(1000, CancellationToken.None);
            await StubServer.Problem(context, 409, "stub_answered");
        });
        using var http = new HttpClient();
        var client = Client(http, stub.BaseAddress, maxRetries: 0, timeout: TimeSpan.FromMilliseconds(300));

        var learn = await Assert.ThrowsAsync<SelfDissonanceException>(() => client.LearnAsync("t", Ct));
        var read = await Assert.ThrowsAsync<SelfDissonanceException>(() => client.GetTaskAsync("t", Ct));

        Assert.Equal((409, "stub_answered"), (learn.Status, learn.Reason));
        Assert.Equal(SelfDissonanceException.UnreachableReason, read.Reason);
        Assert.IsType<TimeoutException>(read.InnerException);
    }

    [Fact]
    public async Task The_api_key_is_sent_on_every_attempt()
    {
        await using var stub = StubServer.Statuses(503, 200);
        using var http = new HttpClient();
        await Client(http, stub.BaseAddress, apiKey: "s3cret").ListTasksAsync(Ct);
        Assert.Equal(["s3cret", "s3cret"], stub.ApiKeys);
    }

    [Theory]
    [InlineData("read")]
    [InlineData("learn")]
    public async Task Nothing_listening_is_unreachable_after_MaxRetries_plus_one_attempts(string operation)
    {
        // Connection refused means nothing was sent, so even learn (not idempotent) may try again.
        var address = new Uri($"http://127.0.0.1:{FreePort.Next()}/");
        using var counting = new CountingHandler(new SocketsHttpHandler());
        using var http = new HttpClient(counting);
        var client = Client(http, address, maxRetries: 2);
        var e = await Assert.ThrowsAsync<SelfDissonanceException>(() => operation == "read" ? client.ListTasksAsync(Ct) : client.LearnAsync("t", Ct));
        Assert.Equal(SelfDissonanceException.UnreachableReason, e.Reason);
        Assert.Null(e.Status);
        Assert.IsType<HttpRequestException>(e.InnerException);
        Assert.Equal(3, counting.Attempts);
    }
}
