using System.Net;
using SelfDissonance.Client.Contracts;
using static SelfDissonance.Testing.Api;

namespace SelfDissonance.Silo.Tests;

/// <summary>GET /v1/tasks/{task}/cycles refuses a limit or before out of range (400 naming the field and range) and an unknown task (404).</summary>
public sealed class CycleQueryTests(GatewayFixture fixture)
{
    private const string TaskId = "cycle-query";
    private static readonly SemaphoreSlim s_setup = new(1, 1);
    private static bool s_ready;
    private readonly HttpClient _http = fixture.Http;

    public static TheoryData<string, string, string> BadQueries() => new()
    {
        { "limit=0", "limit", "1 to 500" },
        { "limit=501", "limit", "1 to 500" },
        { "limit=-1", "limit", "1 to 500" },
        { "limit=abc", "limit", "1 to 500" },
        { "limit=", "limit", "1 to 500" },
        { "limit=1.5", "limit", "1 to 500" },
        { "limit=99999999999", "limit", "1 to 500" },
        { "limit=5&limit=6", "limit", "1 to 500" },
        { "before=0", "before", "from 1" },
        { "before=-3", "before", "from 1" },
        { "before=x", "before", "from 1" },
        { "before=1e3", "before", "from 1" },
    };

    [Theory]
    [MemberData(nameof(BadQueries))]
    public async Task A_limit_or_before_out_of_range_is_refused_naming_the_field(string query, string field, string range)
    {
        await EnsureTaskAsync();
        var problem = await (await _http.GetAsync($"/v1/tasks/{TaskId}/cycles?{query}", Ct)).ProblemAsync(HttpStatusCode.BadRequest, ReasonCodes.InvalidQuery);
        var error = Assert.Single(problem.GetProperty("errors").EnumerateArray());
        Assert.Equal(field, error.GetProperty("field").GetString());
        Assert.Contains(range, error.GetProperty("allowed").GetString(), StringComparison.Ordinal);
        Assert.Contains(field, problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Both_fields_wrong_are_both_named()
    {
        await EnsureTaskAsync();
        var problem = await (await _http.GetAsync($"/v1/tasks/{TaskId}/cycles?limit=0&before=0", Ct)).ProblemAsync(HttpStatusCode.BadRequest, ReasonCodes.InvalidQuery);
        Assert.Equal(["limit", "before"], problem.GetProperty("errors").EnumerateArray().Select(e => e.GetProperty("field").GetString()));
    }

    [Fact]
    public async Task An_unknown_task_is_404_and_a_task_without_cycles_has_an_empty_page()
    {
        await (await _http.GetAsync("/v1/tasks/no-such-cycles-task/cycles", Ct)).ProblemAsync(HttpStatusCode.NotFound, ReasonCodes.TaskNotFound);
        await (await _http.GetAsync("/v1/tasks/bad%20id/cycles", Ct)).ProblemAsync(HttpStatusCode.BadRequest, ReasonCodes.InvalidId);
        await EnsureTaskAsync();
        var page = await (await _http.GetAsync($"/v1/tasks/{TaskId}/cycles?limit=500", Ct)).ReadAsync<CyclesResponse>();
        Assert.Equal(TaskId, page.Task);
        Assert.Empty(page.Cycles);
        Assert.Null(page.Next);
    }

    private async Task EnsureTaskAsync()
    {
        await s_setup.WaitAsync(Ct);
        try
        {
            if (!s_ready)
            {
                await _http.CreateTwoMoonsTaskAsync(TaskId);
                s_ready = true;
            }
        }
        finally
        {
            s_setup.Release();
        }
    }
}
