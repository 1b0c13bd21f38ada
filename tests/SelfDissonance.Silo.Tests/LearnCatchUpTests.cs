using SelfDissonance.Client.Contracts;
using SelfDissonance.Testing;
using static SelfDissonance.Testing.Api;

namespace SelfDissonance.Silo.Tests;

/// <summary>
/// POST /learn right after a burst of episodes: the learner reads them from a stream a moment later, and the cycle must
/// still train on every one of them (the README's session relies on it with no sleep in between).
/// </summary>
public sealed class LearnCatchUpTests(GatewayFixture fixture)
{
    private const int Episodes = 120;

    [Fact]
    public async Task A_learn_request_trains_on_every_episode_answered_before_it()
    {
        const string task = "learn-catch-up";
        var http = fixture.Http;
        var data = TwoMoons.Generate(300 + Episodes, seed: 47);
        // No cycle by count (the fixture has no timer cycles either): only the learn request trains.
        await http.CreateTwoMoonsTaskAsync(task, new PolicyUpdate { KlEps = 10, GoldenTolerance = 1, MinBatch = 1_000_000, MaxDissonance = 1, DBudgetPerHour = 1_000_000 });
        await http.BootstrapAsync(task, data[..200], data[200..300]);

        await Parallel.ForEachAsync(Enumerable.Range(300, Episodes), new ParallelOptions { MaxDegreeOfParallelism = 8, CancellationToken = Ct }, async (i, ct) =>
        {
            var row = Row(data[i]);
            (await http.PostAsync($"/v1/tasks/{task}/episodes", new EpisodeRequest(row.Features, row.Label, $"{task}-{i}"))).EnsureSuccessStatusCode();
        });
        var learn = await (await http.PostAsync($"/v1/tasks/{task}/learn", null, Ct)).ReadAsync<LearnResponse>();

        var metrics = await http.MetricsAsync(task);
        Assert.Equal(Episodes, metrics.Learnable);
        Assert.Equal(Episodes, metrics.Learner.EventsConsumed);
        // Rows the label-noise guard holds back are consumed but not trained on.
        Assert.Equal(Episodes, learn.NewLabeledRows + metrics.Learner.Quarantined);
        Assert.Equal(0, metrics.Learner.PendingLabeled);
    }
}
