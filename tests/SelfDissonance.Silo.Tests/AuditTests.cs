using System.Net;
using SelfDissonance.Client.Contracts;
using SelfDissonance.Silo.Security;
using SelfDissonance.Testing;
using static SelfDissonance.Testing.Api;

namespace SelfDissonance.Silo.Tests;

/// <summary>Key, policy, promotion and rollback changes end up in the audit trail with who, when, what and from where.</summary>
public sealed class AuditTests(GatewayFixture fixture)
{
    private const string Task = "audit-moons";

    [Fact]
    public async Task Changes_are_audited_with_who_when_what_and_from_where()
    {
        var started = DateTimeOffset.UtcNow;
        var admin = fixture.Http;
        var policyKey = await admin.CreateKeyAsync("policy-bot", [ApiScopes.PolicyAdmin, ApiScopes.ModelsAdmin, ApiScopes.Read], [Task]);
        using var bot = fixture.Host.CreateClient(policyKey.Key);
        await admin.ReadyTaskAsync(Task, seed: 5, new PolicyUpdate { KlEps = 10, GoldenTolerance = 1, MinBatch = 1_000_000, MaxDissonance = 1, DBudgetPerHour = 1_000_000 });
        Assert.Equal(HttpStatusCode.OK, (await bot.PutAsync($"/v1/tasks/{Task}/policy?reason=tighter", new PolicyUpdate { KlEps = 5 })).StatusCode);
        var data = TwoMoons.Generate(400, seed: 6);
        foreach (var row in data[..150].Select(Row))
        {
            (await admin.PostAsync($"/v1/tasks/{Task}/episodes", new EpisodeRequest(row.Features, row.Label))).EnsureSuccessStatusCode();
        }

        await Eventually.ReturnsAsync(() => admin.MetricsAsync(Task), m => m.Learner.EventsConsumed >= 150, TimeSpan.FromSeconds(30), "the learner consuming 150 episodes");
        var learn = await (await bot.PostAsync($"/v1/tasks/{Task}/learn", null, Ct)).ReadAsync<LearnResponse>();
        Assert.Equal("promoted", learn.Outcome);
        Assert.Equal(HttpStatusCode.OK, (await bot.PostAsync($"/v1/tasks/{Task}/models/proposer/rollback?reason=audit", null, Ct)).StatusCode);
        // A refused change is not a change.
        await (await bot.PutAsync($"/v1/tasks/{Task}/policy", new PolicyUpdate { KlEps = -1 })).ProblemAsync(HttpStatusCode.BadRequest, ReasonCodes.InvalidPolicy);

        var trail = await (await bot.GetAsync($"/v1/tasks/{Task}/audit", Ct)).ReadAsync<AuditResponse>();
        var entries = trail.Entries.ToList();
        Assert.All(entries, e => Assert.InRange(e.At, started.AddSeconds(-1), DateTimeOffset.UtcNow.AddSeconds(1)));
        var who = $"key:{policyKey.Details.Id}";
        var asked = entries.Where(e => e.Who != "system").ToList();
        Assert.Equal(["task.created", "task.bootstrapped", "policy.updated", "model.learn_requested", "model.rolled_back"], asked.Select(e => e.Action));
        Assert.Equal(["key:admin", "key:admin", who, who, who], asked.Select(e => e.Who));
        // The learner's promotions (proposer, and the critic when it improved) are recorded as they happen, before the
        // request that ran them answered.
        var automatic = entries.Where(e => e.Who == "system").ToList();
        Assert.NotEmpty(automatic);
        Assert.All(automatic, e => Assert.Equal("model.promoted", e.Action));
        Assert.True(entries.IndexOf(automatic[0]) < entries.IndexOf(asked[3]));
        Assert.Equal("127.0.0.1", entries.Single(e => e.Action == "policy.updated").From);
        Assert.Contains("reason=tighter", entries.Single(e => e.Action == "policy.updated").Detail, StringComparison.Ordinal);
        // The learner's own promotion has no caller address; it names the role and versions.
        var promoted = automatic.Single(e => e.Detail.StartsWith("proposer", StringComparison.Ordinal));
        Assert.Null(promoted.From);
        Assert.StartsWith("proposer promoted v1 -> v2", promoted.Detail, StringComparison.Ordinal);

        // The same trail through ?task=, for read holders of that task only.
        var byQuery = await (await bot.GetAsync($"/v1/audit?task={Task}", Ct)).ReadAsync<AuditResponse>();
        Assert.Equal(entries.Count, byQuery.Entries.Count);
        var outsider = await admin.CreateKeyAsync("outsider", [ApiScopes.Read], ["audit-other"]);
        using var other = fixture.Host.CreateClient(outsider.Key);
        await (await other.GetAsync($"/v1/tasks/{Task}/audit", Ct)).ProblemAsync(HttpStatusCode.Forbidden, ReasonCodes.TaskForbidden);
        await (await other.GetAsync($"/v1/audit?task={Task}", Ct)).ProblemAsync(HttpStatusCode.Forbidden, ReasonCodes.TaskForbidden);
        await (await bot.GetAsync("/v1/audit", Ct)).ProblemAsync(HttpStatusCode.Forbidden, ReasonCodes.InsufficientScope);

        // Key changes are in the service's trail, for keys:admin holders.
        await admin.DeleteAsync($"/v1/keys/{outsider.Details.Id}", Ct);
        var service = await (await admin.GetAsync("/v1/audit", Ct)).ReadAsync<AuditResponse>();
        Assert.Contains(service.Entries, e => e.Action == "key.created" && e.Who == "key:admin" && e.Detail.StartsWith(policyKey.Details.Id, StringComparison.Ordinal) && e.From == "127.0.0.1");
        Assert.Contains(service.Entries, e => e.Action == "key.revoked" && e.Detail.StartsWith(outsider.Details.Id, StringComparison.Ordinal));
    }
}
