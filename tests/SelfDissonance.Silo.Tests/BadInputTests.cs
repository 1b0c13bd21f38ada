using System.Net;
using System.Text;
using SelfDissonance.Client.Contracts;
using static SelfDissonance.Testing.Api;

namespace SelfDissonance.Silo.Tests;

/// <summary>Malformed input never reaches the gate: a clear 4xx problem+json with a reason code, and nothing is stored.</summary>
public sealed class BadInputTests(GatewayFixture fixture)
{
    private const string TaskId = "bad-input";
    private static readonly SemaphoreSlim s_setup = new(1, 1);
    private static bool s_ready;
    private readonly HttpClient _http = fixture.Http;

    public static TheoryData<string, string, string, int, string> EpisodeBodies() => new()
    {
        { "malformed", "application/json", """{"id":"bad-1","features":""", 400, ReasonCodes.MalformedJson },
        { "truncated", "application/json", """{"id":"bad-2","features":{"x":1,"y":""", 400, ReasonCodes.MalformedJson },
        { "not an object", "application/json", """[1,2]""", 400, ReasonCodes.MalformedJson },
        { "unknown field", "application/json", """{"id":"bad-3","features":{"x":1,"y":1},"bypass_safety":true}""", 400, ReasonCodes.UnknownField },
        { "NaN literal", "application/json", """{"id":"bad-4","features":{"x":NaN,"y":1}}""", 400, ReasonCodes.MalformedJson },
        { "Infinity literal", "application/json", """{"id":"bad-5","features":{"x":Infinity,"y":1}}""", 400, ReasonCodes.MalformedJson },
        { "NaN as a string", "application/json", """{"id":"bad-6","features":{"x":"NaN","y":1}}""", 400, ReasonCodes.MalformedJson },
        { "number as a string", "application/json", """{"id":"bad-7","features":{"x":"1.5","y":1}}""", 400, ReasonCodes.MalformedJson },
        { "overflow to infinity", "application/json", """{"id":"bad-8","features":{"x":1e999,"y":1}}""", 400, ReasonCodes.NonFiniteFeature },
        { "beyond float range", "application/json", """{"id":"bad-9","features":{"x":1e300,"y":1}}""", 400, ReasonCodes.NonFiniteFeature },
        { "missing feature", "application/json", """{"id":"bad-10","features":{"x":1}}""", 400, ReasonCodes.MissingFeature },
        { "extra feature", "application/json", """{"id":"bad-11","features":{"x":1,"y":1,"z":1}}""", 400, ReasonCodes.UnknownFeature },
        { "wrong case feature", "application/json", """{"id":"bad-12","features":{"X":1,"y":1}}""", 400, ReasonCodes.UnknownFeature },
        { "null features", "application/json", """{"id":"bad-13","features":null}""", 400, ReasonCodes.MissingFeature },
        { "no features", "application/json", """{"id":"bad-14"}""", 400, ReasonCodes.MissingFeature },
        { "duplicate key", "application/json", """{"id":"bad-15","features":{"x":1,"x":2,"y":1}}""", 400, ReasonCodes.MalformedJson },
        { "unknown label", "application/json", """{"id":"bad-16","features":{"x":1,"y":1},"label":"sideways"}""", 400, ReasonCodes.UnknownLabel },
        { "path traversal id", "application/json", """{"id":"../../etc/passwd","features":{"x":1,"y":1}}""", 400, ReasonCodes.InvalidId },
        { "id with newline", "application/json", """{"id":"bad-17\n","features":{"x":1,"y":1}}""", 400, ReasonCodes.InvalidId },
        { "wrong content type", "text/plain", """{"id":"bad-18","features":{"x":1,"y":1}}""", 415, ReasonCodes.UnsupportedMediaType },
        { "comments", "application/json", """{"id":"bad-19",/*x*/"features":{"x":1,"y":1}}""", 400, ReasonCodes.MalformedJson },
    };

    private async Task EnsureTaskAsync()
    {
        await s_setup.WaitAsync(Ct);
        try
        {
            if (!s_ready)
            {
                await _http.ReadyTaskAsync(TaskId, seed: 9, new PolicyUpdate { MaxDissonance = 1, DBudgetPerHour = 1_000_000 });
                s_ready = true;
            }
        }
        finally
        {
            s_setup.Release();
        }
    }

    [Theory]
    [MemberData(nameof(EpisodeBodies))]
    public async Task A_bad_episode_is_refused_and_nothing_is_stored(string why, string contentType, string body, int status, string reason)
    {
        await EnsureTaskAsync();
        var before = await _http.MetricsAsync(TaskId);

        var response = await _http.PostAsync($"/v1/tasks/{TaskId}/episodes", new StringContent(body, Encoding.UTF8, contentType), Ct);

        var problem = await response.ProblemAsync((HttpStatusCode)status, reason);
        Assert.False(string.IsNullOrWhiteSpace(problem.GetProperty("title").GetString()), why);
        await AssertNothingStoredAsync(before);
    }

    [Theory]
    [InlineData("", ReasonCodes.InvalidBody)]
    [InlineData("5", ReasonCodes.InvalidBody)]
    [InlineData("[{\"features\":{\"x\":1,\"y\":1}}", ReasonCodes.MalformedJson)]
    [InlineData("{\"features\":{\"x\":1,\"x\":1,\"y\":1}}", ReasonCodes.MalformedJson)]
    [InlineData("[{\"features\":{\"x\":1,\"y\":1},\"label\":\"upper\"}]", ReasonCodes.UnknownField)]
    [InlineData("[{\"features\":{\"x\":1,\"y\":1}},{\"features\":{\"x\":1}}]", ReasonCodes.MissingFeature)]
    public async Task A_bad_predict_body_is_refused(string body, string reason)
    {
        await EnsureTaskAsync();

        var response = await _http.PostJsonAsync($"/v1/tasks/{TaskId}/predict", body);

        await response.ProblemAsync(HttpStatusCode.BadRequest, reason);
    }

    [Fact]
    public async Task An_oversize_body_is_refused_with_413()
    {
        await EnsureTaskAsync();
        var before = await _http.MetricsAsync(TaskId);
        var padding = new string(' ', 2 << 20);
        var body = "{\"id\":\"bad-big\"," + padding + "\"features\":{\"x\":1,\"y\":1}}";

        // Kestrel answers 413 from the Content-Length and closes without reading the body: a client still writing the
        // 2 MB loses that race with a broken pipe. Expect: 100-continue (what curl sends for large bodies) makes the
        // client wait for the answer first, with a long enough wait for a loaded machine.
        using var http = fixture.Host.CreateClient(fixture.Host.AdminKey, new SocketsHttpHandler { Expect100ContinueTimeout = TimeSpan.FromSeconds(30) });
        using var request = new HttpRequestMessage(HttpMethod.Post, $"/v1/tasks/{TaskId}/episodes") { Content = new StringContent(body, Encoding.UTF8, "application/json") };
        request.Headers.ExpectContinue = true;
        var response = await http.SendAsync(request, Ct);

        await response.ProblemAsync(HttpStatusCode.RequestEntityTooLarge, ReasonCodes.PayloadTooLarge);
        await AssertNothingStoredAsync(before);
        Assert.Equal(HttpStatusCode.NotFound, (await _http.GetAsync("/v1/episodes/bad-big", Ct)).StatusCode);
    }

    [Fact]
    public async Task A_batch_with_one_bad_item_queues_nothing()
    {
        await EnsureTaskAsync();
        var before = await _http.MetricsAsync(TaskId);

        var response = await _http.PostJsonAsync($"/v1/tasks/{TaskId}/episodes:batch", """[{"id":"bad-b-1","features":{"x":1,"y":1}},{"id":"bad-b-2","features":{"x":1}}]""");

        var problem = await response.ProblemAsync(HttpStatusCode.BadRequest, ReasonCodes.MissingFeature);
        Assert.Equal("[1].features.y", problem.GetProperty("errors")[0].GetProperty("field").GetString());
        await Task.Delay(1000, Ct);
        Assert.Equal(HttpStatusCode.NotFound, (await _http.GetAsync("/v1/episodes/bad-b-1", Ct)).StatusCode);
        await AssertNothingStoredAsync(before);

        await (await _http.PostJsonAsync($"/v1/tasks/{TaskId}/episodes:batch", "[]")).ProblemAsync(HttpStatusCode.BadRequest, ReasonCodes.BatchTooLarge);
        await (await _http.PostJsonAsync($"/v1/tasks/{TaskId}/episodes:batch", """[{"id":"bad-dup","features":{"x":1,"y":1}},{"id":"bad-dup","features":{"x":1,"y":1}}]""")).ProblemAsync(HttpStatusCode.BadRequest, ReasonCodes.InvalidBody);
    }

    [Fact]
    public async Task Unknown_tasks_episodes_and_routes_are_404_and_wrong_methods_405()
    {
        await (await _http.PostJsonAsync("/v1/tasks/no-such-task/episodes", """{"features":{"x":1,"y":1}}""")).ProblemAsync(HttpStatusCode.NotFound, ReasonCodes.TaskNotFound);
        await (await _http.GetAsync("/v1/tasks/no-such-task", Ct)).ProblemAsync(HttpStatusCode.NotFound, ReasonCodes.TaskNotFound);
        await (await _http.GetAsync("/v1/tasks/no-such-task/policy", Ct)).ProblemAsync(HttpStatusCode.NotFound, ReasonCodes.TaskNotFound);
        await (await _http.GetAsync("/v1/episodes/no-such-episode", Ct)).ProblemAsync(HttpStatusCode.NotFound, ReasonCodes.EpisodeNotFound);
        await (await _http.GetAsync("/v1/tasks/bad%20id", Ct)).ProblemAsync(HttpStatusCode.BadRequest, ReasonCodes.InvalidId);
        await (await _http.GetAsync("/v1/episodes/..%2F..%2Fsecrets", Ct)).ProblemAsync(HttpStatusCode.BadRequest, ReasonCodes.InvalidId);
        await (await _http.GetAsync("/v1/nothing-here", Ct)).ProblemAsync(HttpStatusCode.NotFound, ReasonCodes.RouteNotFound);
        await (await _http.DeleteAsync("/v1/tasks/no-such-task", Ct)).ProblemAsync(HttpStatusCode.MethodNotAllowed, ReasonCodes.RouteNotFound);
        await (await _http.PostJsonAsync("/v1/tasks/no-such-task/learn", "{}")).ProblemAsync(HttpStatusCode.NotFound, ReasonCodes.TaskNotFound);
    }

    [Fact]
    public async Task An_invalid_task_definition_is_refused_and_not_created()
    {
        var oneClass = await _http.PostJsonAsync("/v1/tasks", """{"id":"bad-task-1","features":["a"],"classes":["only"]}""");
        var problem = await oneClass.ProblemAsync(HttpStatusCode.BadRequest, ReasonCodes.InvalidTask);
        Assert.Contains(problem.GetProperty("errors").EnumerateArray(), e => e.GetProperty("field").GetString()!.StartsWith("classes", StringComparison.Ordinal));
        var badPolicy = await _http.PostJsonAsync("/v1/tasks", """{"id":"bad-task-2","features":["a"],"classes":["p","q"],"policy":{"klEps":-1}}""");
        await badPolicy.ProblemAsync(HttpStatusCode.BadRequest, ReasonCodes.InvalidPolicy);
        var duplicateFeature = await _http.PostJsonAsync("/v1/tasks", """{"id":"bad-task-3","features":["a","a"],"classes":["p","q"]}""");
        await duplicateFeature.ProblemAsync(HttpStatusCode.BadRequest, ReasonCodes.InvalidTask);

        var list = await (await _http.GetAsync("/v1/tasks", Ct)).ReadAsync<TaskListResponse>();
        Assert.DoesNotContain(list.Tasks, t => t.StartsWith("bad-task-", StringComparison.Ordinal));
        await (await _http.GetAsync("/v1/tasks/bad-task-2", Ct)).ProblemAsync(HttpStatusCode.NotFound, ReasonCodes.TaskNotFound);
    }

    [Theory]
    [InlineData("x,y,label\n1,2,upper\n", ReasonCodes.InvalidCsv)]
    [InlineData("x,y,label,split\n1,2,upper,train\n1,2,upper,test\n", ReasonCodes.InvalidCsv)]
    [InlineData("x,y,label,split\n1,abc,upper,train\n", ReasonCodes.InvalidCsv)]
    [InlineData("x,y,label,split\n1,NaN,upper,train\n", ReasonCodes.InvalidCsv)]
    [InlineData("x,y,label,split\n1,2,sideways,train\n", ReasonCodes.UnknownLabel)]
    [InlineData("x,y,z,label,split\n1,2,3,upper,train\n", ReasonCodes.InvalidCsv)]
    public async Task A_bad_bootstrap_csv_is_refused_and_the_task_stays_unbootstrapped(string csv, string reason)
    {
        var id = $"bad-csv-{Guid.NewGuid():N}"[..20];
        await _http.CreateTwoMoonsTaskAsync(id);

        var response = await _http.PostAsync($"/v1/tasks/{id}/bootstrap", new StringContent(csv, Encoding.UTF8, "text/csv"), Ct);

        await response.ProblemAsync(HttpStatusCode.BadRequest, reason);
        var task = await (await _http.GetAsync($"/v1/tasks/{id}", Ct)).ReadAsync<TaskResponse>();
        Assert.False(task.Bootstrapped);
        await (await _http.PostJsonAsync($"/v1/tasks/{id}/episodes", """{"features":{"x":1,"y":1}}""")).ProblemAsync(HttpStatusCode.Conflict, ReasonCodes.NotBootstrapped);
    }

    private async Task AssertNothingStoredAsync(TaskMetricsResponse before)
    {
        var after = await _http.MetricsAsync(TaskId);
        Assert.Equal(before.Episodes, after.Episodes);
        Assert.Equal(before.Learner.EventsConsumed, after.Learner.EventsConsumed);
        Assert.Equal(before.Learner.LabeledRows, after.Learner.LabeledRows);
    }
}
