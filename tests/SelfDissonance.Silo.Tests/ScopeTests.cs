using System.Net;
using SelfDissonance.Client.Contracts;
using SelfDissonance.Silo.Security;
using SelfDissonance.Testing;
using static SelfDissonance.Testing.Api;

namespace SelfDissonance.Silo.Tests;

/// <summary>A key does what its scopes and tasks allow and gets 403 problem+json with the reason otherwise.</summary>
public sealed class ScopeTests(GatewayFixture fixture)
{
    private readonly HttpClient _admin = fixture.Http;

    [Fact]
    public async Task A_read_key_reads_but_cannot_write_anything()
    {
        await _admin.ReadyTaskAsync("scope-read");
        var created = await _admin.CreateKeyAsync("reader", [ApiScopes.Read]);
        using var reader = fixture.Host.CreateClient(created.Key);

        Assert.Equal(HttpStatusCode.OK, (await reader.GetAsync("/v1/tasks/scope-read", Ct)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await reader.GetAsync("/v1/tasks/scope-read/metrics", Ct)).StatusCode);
        var refused = await (await reader.PostJsonAsync("/v1/tasks/scope-read/episodes", """{"features":{"x":0.5,"y":0.2}}""")).ProblemAsync(HttpStatusCode.Forbidden, ReasonCodes.InsufficientScope);
        Assert.Contains("episodes:write", refused.GetProperty("detail").GetString(), StringComparison.Ordinal);
        await (await reader.PutAsync("/v1/tasks/scope-read/policy", new PolicyUpdate { MinBatch = 8 })).ProblemAsync(HttpStatusCode.Forbidden, ReasonCodes.InsufficientScope);
        await (await reader.PostAsync("/v1/tasks/scope-read/models/proposer/rollback", null, Ct)).ProblemAsync(HttpStatusCode.Forbidden, ReasonCodes.InsufficientScope);
        await (await reader.GetAsync("/v1/keys", Ct)).ProblemAsync(HttpStatusCode.Forbidden, ReasonCodes.InsufficientScope);
        // The cluster-wide pages need a read key for every task: this one is.
        Assert.Equal(HttpStatusCode.OK, (await reader.GetAsync("/metrics", Ct)).StatusCode);
    }

    [Fact]
    public async Task A_key_limited_to_a_task_reaches_only_that_task()
    {
        await _admin.ReadyTaskAsync("scope-mine");
        await _admin.ReadyTaskAsync("scope-theirs");
        var theirs = await (await _admin.PostJsonAsync("/v1/tasks/scope-theirs/episodes", """{"id":"scope-theirs-1","features":{"x":0.5,"y":0.2}}""")).ReadAsync<EpisodeResponse>();
        var created = await _admin.CreateKeyAsync("mine-writer", [ApiScopes.Read, ApiScopes.EpisodesWrite, ApiScopes.FeedbackWrite, ApiScopes.TasksAdmin], ["scope-mine", "scope-new"]);
        using var mine = fixture.Host.CreateClient(created.Key);

        var episode = await (await mine.PostJsonAsync("/v1/tasks/scope-mine/episodes", """{"id":"scope-mine-1","features":{"x":0.5,"y":0.2}}""")).ReadAsync<EpisodeResponse>();
        Assert.Equal(HttpStatusCode.OK, (await mine.GetAsync($"/v1/episodes/{episode.Id}", Ct)).StatusCode);
        Assert.Equal(HttpStatusCode.Accepted, (await mine.PostJsonAsync($"/v1/episodes/{episode.Id}/feedback", """{"label":"upper"}""")).StatusCode);
        Assert.Equal(["scope-mine"], (await (await mine.GetAsync("/v1/tasks", Ct)).ReadAsync<TaskListResponse>()).Tasks.Where(t => t.StartsWith("scope-", StringComparison.Ordinal)));
        Assert.Equal(HttpStatusCode.Created, (await mine.PostAsync("/v1/tasks", new CreateTaskRequest("scope-new", ["x", "y"], ["a", "b"]))).StatusCode);

        await (await mine.GetAsync("/v1/tasks/scope-theirs", Ct)).ProblemAsync(HttpStatusCode.Forbidden, ReasonCodes.TaskForbidden);
        await (await mine.PostJsonAsync("/v1/tasks/scope-theirs/episodes", """{"features":{"x":0.5,"y":0.2}}""")).ProblemAsync(HttpStatusCode.Forbidden, ReasonCodes.TaskForbidden);
        await (await mine.GetAsync($"/v1/episodes/{theirs.Id}", Ct)).ProblemAsync(HttpStatusCode.Forbidden, ReasonCodes.TaskForbidden);
        await (await mine.PostJsonAsync($"/v1/episodes/{theirs.Id}/feedback", """{"label":"upper"}""")).ProblemAsync(HttpStatusCode.Forbidden, ReasonCodes.TaskForbidden);
        await (await mine.PostAsync("/v1/tasks", new CreateTaskRequest("scope-other", ["x", "y"], ["a", "b"]))).ProblemAsync(HttpStatusCode.Forbidden, ReasonCodes.TaskForbidden);
        // Cluster-wide views would show other tasks.
        await (await mine.GetAsync("/metrics", Ct)).ProblemAsync(HttpStatusCode.Forbidden, ReasonCodes.TaskForbidden);
        // Refused requests changed nothing.
        Assert.Equal(HttpStatusCode.NotFound, (await _admin.GetAsync("/v1/tasks/scope-other", Ct)).StatusCode);
        var record = await (await _admin.GetAsync($"/v1/episodes/{theirs.Id}", Ct)).ReadAsync<EpisodeRecordResponse>();
        Assert.Null(record.Label);
    }

    [Fact]
    public async Task Keys_are_created_listed_without_secrets_and_validated()
    {
        var created = await _admin.CreateKeyAsync("lister", [ApiScopes.Read], ["scope-list"], permitsPerSecond: 50);
        Assert.StartsWith($"sd_{created.Details.Id}_", created.Key, StringComparison.Ordinal);
        Assert.Equal("key:admin", created.Details.CreatedBy);

        using var list = await _admin.GetAsync("/v1/keys", Ct);
        var text = await list.Content.ReadAsStringAsync(Ct);
        Assert.Equal(HttpStatusCode.OK, list.StatusCode);
        Assert.Contains(created.Details.Id, text, StringComparison.Ordinal);
        // The secret is everything after "sd_{id}_": base64url, so it may itself hold '_' (even start with one).
        var secret = created.Key[$"sd_{created.Details.Id}_".Length..];
        Assert.True(secret.Length >= 20, created.Key);
        Assert.DoesNotContain(secret, text, StringComparison.Ordinal);
        Assert.DoesNotContain("hash", text, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("salt", text, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("\"admin\"", text, StringComparison.Ordinal);

        var bad = await (await _admin.PostJsonAsync("/v1/keys", """{"name":"x","scopes":["read","root"],"tasks":["../etc"]}""")).ProblemAsync(HttpStatusCode.BadRequest, ReasonCodes.InvalidBody);
        Assert.Equal(["scopes", "tasks"], bad.GetProperty("errors").EnumerateArray().Select(e => e.GetProperty("field").GetString()));
        await (await _admin.DeleteAsync("/v1/keys/000000000000", Ct)).ProblemAsync(HttpStatusCode.NotFound, ReasonCodes.KeyNotFound);
    }
}
