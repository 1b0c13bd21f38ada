using System.Globalization;
using SelfDissonance.Client.Contracts;
using SelfDissonance.Testing;
using static SelfDissonance.Testing.Api;

namespace SelfDissonance.Client.Tests;

/// <summary>The README's session, every step through the SDK against the real gateway, over each transport.</summary>
public sealed class SessionTests(SdkFixture fixture)
{
    private static readonly string[] Classes = ["upper", "lower"];

    [Theory]
    [MemberData(nameof(SdkFixture.Transports), MemberType = typeof(SdkFixture))]
    public async Task A_full_session_runs_through_the_sdk(string transport)
    {
        var sd = fixture.For(transport);
        var Id = $"moons-sdk-{transport}";
        var csvPath = Path.Combine(RepoPaths.Root, "samples", "data", "two-moons.csv");

        Assert.True((await sd.GetHealthAsync(Ct)).IsHealthy);
        Assert.True((await sd.GetReadinessAsync(Ct)).IsHealthy);

        var created = await sd.CreateTaskAsync(new CreateTaskRequest(Id, ["x", "y"], Classes, new PolicyUpdate { GoldenTolerance = 1, KlEps = 10, MinBatch = 1_000_000 }), Ct);
        Assert.Equal(Id, created.Id);
        Assert.False(created.Bootstrapped);
        // Only the explicit learn below runs a cycle, and it may promote whatever it trains: the SDK is under test here.
        Assert.Equal(1, created.Policy.GoldenTolerance);
        Assert.Contains(Id, (await sd.ListTasksAsync(Ct)).Tasks);

        // CSV overload: the shipped file, sent as text/csv.
        var bootstrap = await sd.BootstrapFromCsvFileAsync(Id, csvPath, Ct);
        Assert.Equal(1, bootstrap.Proposer.Version);
        Assert.Equal(1, bootstrap.Critic.Version);
        Assert.Equal(400, bootstrap.TrainingRows + bootstrap.GoldenRows);
        var task = await sd.GetTaskAsync(Id, Ct);
        Assert.True(task.Bootstrapped);
        Assert.Equal(1, task.Production.Proposer);

        // Episodes, then a late label (idempotent: the same label again is a duplicate).
        var episodeId = $"sdk-ep-1-{transport}";
        var first = await sd.RunEpisodeAsync(Id, new EpisodeRequest(new Dictionary<string, double> { ["x"] = 0.5, ["y"] = 0.25 }, Id: episodeId), Ct);
        Assert.Equal(episodeId, first.Id);
        Assert.False(first.Replayed);
        Assert.Contains(first.Prediction.Label, Classes);
        Assert.InRange(first.Dissonance, 0, 1);
        var feedback = await sd.SendFeedbackAsync(episodeId, "lower", Ct);
        Assert.Equal("lower", feedback.Label);
        Assert.False(feedback.Duplicate);
        Assert.True((await sd.SendFeedbackAsync(episodeId, "lower", Ct)).Duplicate);
        var record = await sd.GetEpisodeAsync(episodeId, Ct);
        Assert.Equal("lower", record.FeedbackLabel);
        Assert.Equal("sync", record.Source);
        Assert.Equal(1, record.Lineage.Proposer?.Version);

        // 150 labeled episodes from the CSV, as the README streams them, then a cycle now.
        var rows = (await File.ReadAllLinesAsync(csvPath, Ct)).Skip(1).Take(150).Select(l => l.Split(',')).ToList();
        foreach (var r in rows)
        {
            var features = new Dictionary<string, double> { ["x"] = Parse(r[0]), ["y"] = Parse(r[1]) };
            var answer = await sd.RunEpisodeAsync(Id, new EpisodeRequest(features, r[2]), Ct);
            Assert.StartsWith("c-", answer.Id, StringComparison.Ordinal);
        }

        // The learner reads its stream asynchronously: wait until it has taken every learnable episode. Its timer may
        // already have trained on them (and, with this policy, promoted); learn then has nothing left.
        await Eventually.ReturnsAsync(() => sd.GetMetricsAsync(Id, Ct), m => m.Learnable > 100 && m.Learner.EventsConsumed >= m.Learnable, TimeSpan.FromSeconds(30), "the learner taking the learnable episodes");
        var learn = await sd.LearnAsync(Id, Ct);
        Assert.Contains(learn.Outcome, new[] { "promoted", "nothing_to_learn" });
        Assert.True(learn.Cycle >= 1);

        var models = await sd.ListModelsAsync(Id, Ct);
        Assert.True(models.Proposer.Versions.Count >= 2, $"the labeled episodes should have promoted a proposer v2; learn said {learn.Outcome}");
        var production = models.Proposer.Production!.Value;
        Assert.True(production >= 2);

        var rollback = await sd.RollbackAsync(Id, "proposer", "sdk test rollback", Ct);
        Assert.Equal("proposer", rollback.Role);
        Assert.Equal(production, rollback.From);
        Assert.True(rollback.Production.Version < production);
        var afterRollback = await sd.ListModelsAsync(Id, Ct);
        Assert.Equal(rollback.Production.Version, afterRollback.Proposer.Production);
        Assert.Equal("sdk test rollback", afterRollback.Proposer.History[^1].Reason);
        Assert.Equal(transport == SdkFixture.Cluster ? "cluster-client" : "key:admin", afterRollback.Proposer.History[^1].By);

        // Predictions only: one and many, from the version now in production.
        var one = await sd.PredictAsync(Id, new PredictRequest(new Dictionary<string, double> { ["x"] = 0.5, ["y"] = 0.25 }), Ct);
        Assert.Contains(one.Label, Classes);
        Assert.Equal(rollback.Production.Version, one.ProposerVersion);
        var many = await sd.PredictManyAsync(Id, [new PredictRequest(new Dictionary<string, double> { ["x"] = 0.5, ["y"] = 0.25 }), new PredictRequest(new Dictionary<string, double> { ["x"] = -1, ["y"] = 0.5 })], Ct);
        Assert.Equal(2, many.Count);
        Assert.Equal(one.Probabilities["upper"], many[0].Probabilities["upper"], 6);

        // Policy: read, partial update with a reason, history.
        var policy = await sd.GetPolicyAsync(Id, Ct);
        Assert.Equal(1_000_000, policy.MinBatch);
        var updated = await sd.UpdatePolicyAsync(Id, new PolicyUpdate { MinBatch = 32 }, "sdk test", Ct);
        Assert.Equal(32, updated.MinBatch);
        Assert.Equal(1, updated.GoldenTolerance); // a partial update keeps the fields it does not name
        Assert.True(updated.Revision > policy.Revision);
        var history = await sd.GetPolicyHistoryAsync(Id, Ct);
        Assert.Equal("sdk test", history[^1].Reason);
        Assert.Equal(32, history[^1].Policy.MinBatch);

        var metrics = await sd.GetMetricsAsync(Id, Ct);
        Assert.Equal(Id, metrics.Task);
        Assert.Equal(151, metrics.Episodes);
        Assert.Equal(10, metrics.DissonanceHistogram.Count);
        Assert.True(metrics.Proposer.Count >= 2);

        // The queue path: accepted ids (client-generated), then each episode completes.
        var batch = await sd.SubmitBatchAsync(Id, [.. rows.Take(3).Select(r => new EpisodeRequest(new Dictionary<string, double> { ["x"] = Parse(r[0]), ["y"] = Parse(r[1]) }))], Ct);
        Assert.Equal(3, batch.Ids.Count);
        Assert.All(batch.Ids, id => Assert.StartsWith("c-", id, StringComparison.Ordinal));
        foreach (var id in batch.Ids)
        {
            var queued = await WaitCompletedAsync(sd, id);
            Assert.Equal("queue", queued.Source);
            Assert.NotNull(queued.Prediction);
        }
    }

    private static async Task<EpisodeRecordResponse> WaitCompletedAsync(ISelfDissonanceClient sd, string id)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (true)
        {
            try
            {
                var record = await sd.GetEpisodeAsync(id, Ct);
                if (record.Status == "completed")
                {
                    return record;
                }

                Assert.NotEqual("failed", record.Status);
            }
            catch (SelfDissonanceException e) when (e.Reason == "episode_not_found")
            {
                // Not stored yet.
            }

            Assert.True(DateTime.UtcNow < deadline, $"episode {id} did not complete in 30 s");
            await Task.Delay(100, Ct);
        }
    }

    private static double Parse(string s) => double.Parse(s, CultureInfo.InvariantCulture);
}
