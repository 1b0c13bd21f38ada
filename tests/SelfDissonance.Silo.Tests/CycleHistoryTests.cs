using Microsoft.Extensions.DependencyInjection;
using SelfDissonance.Client.Contracts;
using SelfDissonance.Learning;
using SelfDissonance.Testing;
using static SelfDissonance.Testing.Api;

namespace SelfDissonance.Silo.Tests;

/// <summary>
/// GET /v1/tasks/{task}/cycles: every kept learning cycle, newest first, paged with limit and before, across the log's
/// storage pages and beyond the learner's recent-cycle window, and still there after a silo restart.
/// </summary>
public sealed class CycleHistoryTests
{
    private const string TaskId = "cycle-history";

    // More than one storage page (ICycleLogGrain.PageSize) and more than the learner keeps in its state (50).
    private const int Cycles = 125;

    [Fact]
    public async Task Every_cycle_is_paged_newest_first_without_gaps_and_survives_a_restart()
    {
        await using var host = new GatewayHost(new() { ["SelfDissonance:Learning:CycleInterval"] = "00:10:00" });
        await host.StartAsync();
        var http = host.Http;
        var data = TwoMoons.Generate(400, seed: 21);
        await http.CreateTwoMoonsTaskAsync(TaskId, new PolicyUpdate { KlEps = 10, GoldenTolerance = 1, MinBatch = 1_000_000, MaxDissonance = 1, DBudgetPerHour = 1_000_000 });
        await http.BootstrapAsync(TaskId, data[..40], data[40..240]);
        for (var i = 240; i < 270; i++)
        {
            var row = Row(data[i]);
            (await http.PostAsync($"/v1/tasks/{TaskId}/episodes", new EpisodeRequest(row.Features, row.Label, $"{TaskId}-{i}"))).EnsureSuccessStatusCode();
        }

        // Cycle 1 trains both roles on the 30 new rows; the rest have nothing new but are kept (asked for through the API).
        var first = await LearnAsync(http);
        Assert.Equal(1, first.Cycle);
        Assert.NotNull(first.Proposer);
        for (var i = 2; i <= Cycles; i++)
        {
            Assert.Equal(i, (await LearnAsync(http)).Cycle);
        }

        var all = await AssertPagedAsync(http, limit: 50, expectedPages: 3);
        var byCycle = all.ToDictionary(c => c.Cycle);
        var one = byCycle[1];
        Assert.Equal("api", one.Trigger);
        Assert.Equal(30, one.NewLabeledRows);
        Assert.Equal(first.Outcome, one.Outcome);
        Assert.NotNull(one.Proposer);
        Assert.NotNull(one.Critic);
        Assert.Equal(first.Proposer!.Trainer, one.Proposer.Trainer);
        Assert.False(string.IsNullOrEmpty(one.Proposer.Trainer));
        Assert.Equal(first.Proposer.PlainKl, one.Proposer.PlainKl);
        Assert.Equal(first.Proposer.KlFromProduction, one.Proposer.KlFromProduction);
        Assert.Equal(first.Proposer.Step, one.Proposer.Step);
        Assert.Equal(first.Proposer.GoldenAccuracy, one.Proposer.GoldenAccuracy);
        Assert.Equal(first.Proposer.ProductionGoldenAccuracy, one.Proposer.ProductionGoldenAccuracy);
        Assert.Equal(first.StartedAt, one.StartedAt);
        Assert.True(one.DurationMs > 0);
        Assert.All(all.Where(c => c.Cycle > 1), c => Assert.Equal(LearningOutcomes.NothingToLearn, c.Outcome));

        // Pages of other sizes give the same sequence; the default is 50; before past the newest starts at the newest.
        Assert.Equal(all.Select(c => c.Cycle), (await AssertPagedAsync(http, limit: 7, expectedPages: 18)).Select(c => c.Cycle));
        Assert.Equal(all.Select(c => c.Cycle), (await AssertPagedAsync(http, limit: 500, expectedPages: 1)).Select(c => c.Cycle));
        var defaults = await GetAsync(http, "");
        Assert.Equal(50, defaults.Cycles.Count);
        Assert.Equal(76, defaults.Next);
        Assert.Equal(Enumerable.Range(76, 10).Reverse().Select(i => (long)i), (await GetAsync(http, "?limit=10&before=86")).Cycles.Select(c => c.Cycle));
        Assert.Equal(Cycles, (await GetAsync(http, "?limit=1&before=100000")).Cycles.Single().Cycle);
        var last = await GetAsync(http, "?limit=5&before=3");
        Assert.Equal([2L, 1L], last.Cycles.Select(c => c.Cycle));
        Assert.Null(last.Next);
        var exact = await GetAsync(http, "?limit=2&before=3");
        Assert.Null(exact.Next);
        Assert.Empty((await GetAsync(http, "?before=1")).Cycles);

        // Over the SDK (HTTP) the same page.
        using var plain = new HttpClient();
        var sdk = new SelfDissonance.Client.SelfDissonanceHttpClient(plain, new SelfDissonance.Client.SelfDissonanceClientOptions { BaseAddress = host.BaseAddress, ApiKey = host.AdminKey });
        var viaSdk = await sdk.GetCyclesAsync(TaskId, 10, 86, Ct);
        Assert.Equal(Enumerable.Range(76, 10).Reverse().Select(i => (long)i), viaSdk.Cycles.Select(c => c.Cycle));
        Assert.Equal(76, viaSdk.Next);

        await host.RestartAsync();

        var restored = await AssertPagedAsync(host.Http, limit: 50, expectedPages: 3);
        Assert.Equal(all.Select(c => (c.Cycle, c.Outcome, c.StartedAt, c.Proposer?.Trainer)), restored.Select(c => (c.Cycle, c.Outcome, c.StartedAt, c.Proposer?.Trainer)));

        // The log goes on from where it was.
        Assert.Equal(Cycles + 1, (await LearnAsync(host.Http)).Cycle);
        Assert.Equal(Cycles + 1, (await GetAsync(host.Http, "?limit=1")).Cycles.Single().Cycle);
    }

    [Fact]
    public async Task A_repeated_append_of_a_cycle_number_is_a_no_op()
    {
        await using var host = new GatewayHost(new() { ["SelfDissonance:Learning:CycleInterval"] = "00:10:00" });
        await host.StartAsync();
        var log = host.Services.GetRequiredService<IGrainFactory>().GetGrain<ICycleLogGrain>("cycle-log-idempotent");
        var at = DateTimeOffset.UtcNow;
        LearningCycleResult Cycle(long n, string outcome) => new(n, outcome, [], null, null, null, "api", at, TimeSpan.FromMilliseconds(n), 0, 0);

        await log.AppendAsync([Cycle(1, LearningOutcomes.NothingToLearn), Cycle(2, LearningOutcomes.Rejected)]);
        await log.AppendAsync([Cycle(2, LearningOutcomes.Promoted), Cycle(3, LearningOutcomes.Promoted), Cycle(3, LearningOutcomes.Rejected)]);
        await log.AppendAsync([Cycle(101, LearningOutcomes.Promoted), Cycle(1, LearningOutcomes.Promoted)]);

        var page = await log.ReadAsync(10, null);
        Assert.Equal([101L, 3, 2, 1], page.Cycles.Select(c => c.Cycle));
        Assert.Equal([LearningOutcomes.Promoted, LearningOutcomes.Promoted, LearningOutcomes.Rejected, LearningOutcomes.NothingToLearn], page.Cycles.Select(c => c.Outcome));
        Assert.Null(page.Next);
        var first = await log.ReadAsync(2, null);
        Assert.Equal([101L, 3], first.Cycles.Select(c => c.Cycle));
        Assert.Equal(3, first.Next);
        Assert.Equal([2L, 1], (await log.ReadAsync(2, first.Next)).Cycles.Select(c => c.Cycle));
        Assert.Empty((await host.Services.GetRequiredService<IGrainFactory>().GetGrain<ICycleLogGrain>("cycle-log-empty").ReadAsync(10, null)).Cycles);
    }

    private static async Task<LearnResponse> LearnAsync(HttpClient http) =>
        await (await http.PostAsync($"/v1/tasks/{TaskId}/learn", null, Ct)).ReadAsync<LearnResponse>();

    private static async Task<CyclesResponse> GetAsync(HttpClient http, string query) =>
        await (await http.GetAsync($"/v1/tasks/{TaskId}/cycles{query}", Ct)).ReadAsync<CyclesResponse>();

    /// <summary>Follows next from the newest page to the end: newest first, every cycle once, no gaps.</summary>
    private static async Task<List<CycleRecordResponse>> AssertPagedAsync(HttpClient http, int limit, int expectedPages)
    {
        var all = new List<CycleRecordResponse>();
        var pages = 0;
        long? before = null;
        do
        {
            var page = await GetAsync(http, $"?limit={limit}" + (before is { } b ? $"&before={b}" : ""));
            Assert.Equal(TaskId, page.Task);
            pages++;
            Assert.InRange(page.Cycles.Count, 1, limit);
            Assert.All(page.Cycles, c => Assert.True(before is null || c.Cycle < before));
            if (page.Next is { } next)
            {
                Assert.Equal(limit, page.Cycles.Count);
                Assert.Equal(page.Cycles[^1].Cycle, next);
            }

            all.AddRange(page.Cycles);
            before = page.Next;
        }
        while (before is not null && pages < 1000);

        Assert.Equal(expectedPages, pages);
        Assert.Equal(Enumerable.Range(1, Cycles).Reverse().Select(i => (long)i), all.Select(c => c.Cycle));
        return all;
    }
}
