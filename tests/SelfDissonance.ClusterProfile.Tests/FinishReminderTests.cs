using System.Net;
using SelfDissonance.Client.Contracts;
using SelfDissonance.Testing;
using StackExchange.Redis;
using static SelfDissonance.Testing.Api;

namespace SelfDissonance.ClusterProfile.Tests;

/// <summary>
/// A queued episode is stored as received, with a reminder, before it runs. When the stream gives up on it (here: the
/// silo cannot load its models because blob storage is down, and one delivery is all the stream allows), the reminder
/// finishes it once the cause is gone.
/// </summary>
public sealed class FinishReminderTests(ClusterServices services)
{
    [Fact]
    public async Task A_queued_episode_the_stream_gave_up_on_is_finished_by_its_reminder()
    {
        await using var cluster = new ProcessCluster(services, silos: 1, new Dictionary<string, string?>
        {
            ["SelfDissonance__Runtime__FinishReminderPeriod"] = "00:00:02",
            ["SelfDissonance__Streams__MaxDeliveries"] = "1",
            ["SelfDissonance__Blob__MaxRetries"] = "0",
            ["SelfDissonance__Blob__NetworkTimeout"] = "00:00:01",
        });
        await cluster.StartAsync();
        var http = () => cluster.Silos[0].Http;
        const string task = "reminder";
        var data = TwoMoons.Generate(400, seed: 4);
        await http().CreateTwoMoonsTaskAsync(task);
        await http().BootstrapAsync(task, data[..100], data[100..300]);

        // A fresh process has no models cached: with the blob store down it cannot serve the task.
        await cluster.StopAllAsync();
        await cluster.StartAsync();
        await services.Azurite.StopAsync();
        var ids = Enumerable.Range(300, 5).Select(i => $"rem-{i}").ToList();
        try
        {
            var batch = ids.Select((id, k) => new EpisodeRequest(Features(data[300 + k]), null, id)).ToList();
            var accepted = await (await http().PostAsync($"/v1/tasks/{task}/episodes:batch", batch)).ReadAsync<BatchAcceptedResponse>(HttpStatusCode.Accepted);
            Assert.Equal(ids, accepted.Ids);

            // Stored as received; the stream delivers once, fails, and moves the entries to its dead-letter stream.
            await using var redis = await ConnectionMultiplexer.ConnectAsync(services.Redis.ConnectionString);
            var dead = $"{cluster.ClusterId}:streams:sd:dead";
            await Eventually.ReturnsAsync(() => redis.GetDatabase().StreamLengthAsync(dead), n => n >= ids.Count, TimeSpan.FromSeconds(60), "the stream giving up on the episodes");
            foreach (var id in ids)
            {
                var record = await (await http().GetAsync($"/v1/episodes/{id}", Ct)).ReadAsync<EpisodeRecordResponse>();
                Assert.Equal("received", record.Status);
            }
        }
        finally
        {
            await services.Azurite.StartAsync();
        }

        // Nothing redelivers them now but the reminder.
        foreach (var id in ids)
        {
            var done = await Eventually.ReturnsAsync(
                async () => await (await http().GetAsync($"/v1/episodes/{id}", Ct)).ReadAsync<EpisodeRecordResponse>(),
                r => r.Status == "completed",
                TimeSpan.FromSeconds(60),
                $"episode {id} completing");
            Assert.NotNull(done.Prediction);
        }
    }

    /// <summary>
    /// The rolling-restart loss, forced: queue entries that no episode grain ever receives. The silo's Redis user may
    /// publish to the queues but not read them (an ACL denies XREADGROUP and XCLAIM), so nothing but storage and
    /// reminders can finish what the gateway accepted; the silo is killed with the entries undelivered and started again.
    /// Before queued episodes were stored with their reminder at intake, these were never run at all.
    /// </summary>
    [Fact]
    public async Task Queued_episodes_whose_queue_entries_never_reach_a_grain_are_finished_by_their_reminders()
    {
        await using var redis = await ConnectionMultiplexer.ConnectAsync(services.Redis.ConnectionString);
        var user = $"noread-{Guid.NewGuid():N}"[..20];
        await redis.GetDatabase().ExecuteAsync("ACL", "SETUSER", user, "on", ">test-only", "~*", "&*", "+@all", "-xreadgroup", "-xclaim", "-xautoclaim");
        await using var cluster = new ProcessCluster(services, silos: 1, new Dictionary<string, string?>
        {
            ["ConnectionStrings__Redis"] = $"{services.Redis.ConnectionString},user={user},password=test-only",
            ["SelfDissonance__Runtime__FinishReminderPeriod"] = "00:00:02",
        });
        await cluster.StartAsync();
        var silo = cluster.Silos[0];
        const string task = "unread";
        var data = TwoMoons.Generate(320, seed: 6);
        await silo.Http.CreateTwoMoonsTaskAsync(task);
        await silo.Http.BootstrapAsync(task, data[..100], data[100..300]);

        var ids = Enumerable.Range(0, 10).Select(i => $"unread-{i}").ToList();
        var batch = ids.Select((id, k) => new EpisodeRequest(Features(data[300 + k]), k % 2 == 0 ? TwoMoons.Classes[data[300 + k].Label] : null, id)).ToList();
        var accepted = await (await silo.Http.PostAsync($"/v1/tasks/{task}/episodes:batch", batch)).ReadAsync<BatchAcceptedResponse>(HttpStatusCode.Accepted);
        Assert.Equal(ids, accepted.Ids);

        // The entries are in Redis and nobody can take them: the silo dies holding them.
        var queued = 0L;
        for (var q = 0; q < 8; q++)
        {
            queued += await redis.GetDatabase().StreamLengthAsync($"{cluster.ClusterId}:streams:sd:{q}");
        }

        Assert.True(queued >= ids.Count, $"{queued} queue entries for {ids.Count} accepted episodes");
        silo.Kill();
        await silo.StartAsync();

        foreach (var id in ids)
        {
            var done = await Eventually.ReturnsAsync(
                async () => await (await silo.Http.GetAsync($"/v1/episodes/{id}", Ct)).ReadAsync<EpisodeRecordResponse>(),
                r => r.Status == "completed",
                TimeSpan.FromSeconds(60),
                $"episode {id} completing");
            Assert.NotNull(done.Prediction);
        }

        // Nothing was read from the queues: every entry is still unread by the consumer group.
        var read = 0L;
        for (var q = 0; q < 8; q++)
        {
            var key = $"{cluster.ClusterId}:streams:sd:{q}";
            if (await redis.GetDatabase().KeyExistsAsync(key))
            {
                read += (await redis.GetDatabase().StreamGroupInfoAsync(key)).Sum(g => g.EntriesRead ?? 0);
            }
        }

        Assert.Equal(0, read);
    }
}
