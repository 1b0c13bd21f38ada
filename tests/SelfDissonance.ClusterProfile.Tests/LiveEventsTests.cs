using System.Collections.Concurrent;
using SelfDissonance.Client;
using SelfDissonance.Client.Contracts;
using SelfDissonance.Testing;
using static SelfDissonance.Testing.Api;

namespace SelfDissonance.ClusterProfile.Tests;

/// <summary>
/// Live task events in the cluster profile travel on Redis Streams: episodes answered by any silo reach a watcher on
/// another silo's gateway (SSE) and an Orleans cluster client, and so do promotions.
/// </summary>
public sealed class LiveEventsTests(ClusterServices services)
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task Events_from_every_silo_reach_sse_and_cluster_client_watchers()
    {
        await using var cluster = new ProcessCluster(services, silos: 2);
        await cluster.StartAsync();
        const string task = "live-events";
        var data = TwoMoons.Generate(600, seed: 21);
        await cluster.Silos[0].Http.CreateTwoMoonsTaskAsync(task, new PolicyUpdate { KlEps = 10, GoldenTolerance = 1, MinBatch = 1_000_000, MaxDissonance = 1, DBudgetPerHour = 1_000_000 });
        await cluster.Silos[0].Http.BootstrapAsync(task, data[..100], data[100..300]);

        using var sseHttp = new HttpClient { Timeout = Timeout.InfiniteTimeSpan };
        var overSse = new SelfDissonanceHttpClient(sseHttp, new SelfDissonanceClientOptions { BaseAddress = cluster.Silos[0].BaseAddress, ApiKey = TestKeys.Admin });
        var overOrleans = new SelfDissonanceClusterClient(await cluster.ConnectClientAsync());
        using var viaSilo1 = new HttpClient { Timeout = Timeout.InfiniteTimeSpan };
        var onSilo1 = new SelfDissonanceHttpClient(viaSilo1, new SelfDissonanceClientOptions { BaseAddress = cluster.Silos[1].BaseAddress, ApiKey = TestKeys.Admin });

        using var watching = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        var sseSeen = new ConcurrentQueue<TaskEvent>();
        var orleansSeen = new ConcurrentQueue<TaskEvent>();
        var watchers = new[] { Watch(overSse, sseSeen), Watch(overOrleans, orleansSeen) };

        // Both subscriptions are asynchronous: probe through silo 1 until both have seen one of the probes.
        var next = 300;
        var probes = new List<string>();
        var deadline = DateTime.UtcNow + Patience;
        while (!probes.Any(id => Seen(sseSeen, id) && Seen(orleansSeen, id)))
        {
            Assert.True(DateTime.UtcNow < deadline, "no probe episode reached both watchers");
            probes.Add((await onSilo1.RunEpisodeAsync(task, Labeled(data[next++]), Ct)).Id);
            await Task.Delay(500, Ct);
        }

        // From now on every episode, whichever silo or transport answers it, reaches both watchers.
        var ids = new List<string>();
        for (var i = 0; i < 50; i++)
        {
            ids.Add((await onSilo1.RunEpisodeAsync(task, Labeled(data[next++]), Ct)).Id);
            ids.Add((await overOrleans.RunEpisodeAsync(task, Labeled(data[next++]), Ct)).Id);
        }

        await Eventually.TrueAsync(() => ids.All(id => Seen(sseSeen, id) && Seen(orleansSeen, id)), Patience, "all 100 episodes on both watchers");

        await Eventually.ReturnsAsync(() => overOrleans.GetMetricsAsync(task, Ct), m => m.Learner.EventsConsumed >= m.Learnable, Patience, "the learner taking the learnable episodes");
        await overOrleans.LearnAsync(task, Ct);
        var production = (await overOrleans.ListModelsAsync(task, Ct)).Proposer.Production!.Value;
        Assert.True(production >= 2, "the labeled episodes should have promoted a proposer");
        bool Promoted(ConcurrentQueue<TaskEvent> seen) => seen.Any(e => e.Kind == TaskEventKinds.Promotion && e.Model is { Role: "proposer" } m && m.To == production);
        await Eventually.TrueAsync(() => Promoted(sseSeen) && Promoted(orleansSeen), Patience, "the promotion on both watchers");

        await watching.CancelAsync();
        foreach (var watcher in watchers)
        {
            await Assert.ThrowsAnyAsync<OperationCanceledException>(() => watcher);
        }

        Task Watch(ISelfDissonanceClient client, ConcurrentQueue<TaskEvent> into) => Task.Run(async () =>
        {
            await foreach (var e in client.WatchAsync(task, watching.Token))
            {
                into.Enqueue(e);
            }
        }, Ct);
    }

    private static bool Seen(ConcurrentQueue<TaskEvent> seen, string id) => seen.Any(e => e.Episode?.Id == id);

    private static EpisodeRequest Labeled(Tasks.LabeledExample e) =>
        new(new Dictionary<string, double> { ["x"] = e.Features[0], ["y"] = e.Features[1] }, TwoMoons.Classes[e.Label]);

}
