using System.Collections.Immutable;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Serialization;
using SelfDissonance.Learning;
using SelfDissonance.Learning.Journal;
using SelfDissonance.Testing;
using StackExchange.Redis;
using static SelfDissonance.Testing.Api;

namespace SelfDissonance.ClusterProfile.Tests;

/// <summary>The cluster profile's learner journal against a real redis-server: one list per task under the service id.</summary>
public sealed class RedisLearnerJournalTests(ClusterServices services)
{
    private static readonly Serializer s_serializer = new ServiceCollection()
        .AddSerializer(b => b.AddAssembly(typeof(LearningEvent).Assembly))
        .BuildServiceProvider()
        .GetRequiredService<Serializer>();

    private readonly string _serviceId = $"journal-{Guid.NewGuid():N}";

    [Fact]
    public async Task Appends_are_one_list_entry_each_under_the_service_id_and_read_back_in_order()
    {
        await using var store = new RedisLearnerJournalStore(services.Redis.ConnectionString, _serviceId, s_serializer);
        using (var journal = store.Open("t1"))
        {
            await journal.AppendAsync(Event("e1", label: 2), Ct);
            await journal.AppendAsync(Event("e2"), Ct);
            await journal.AppendAsync(Event("e2", LearningEventKind.Feedback, label: 0), Ct);
        }

        await using var redis = await ConnectionMultiplexer.ConnectAsync(services.Redis.ConnectionString);
        Assert.Equal($"{_serviceId}:learner-journal:t1", store.KeyOf("t1").ToString());
        Assert.Equal(3, await redis.GetDatabase().ListLengthAsync(store.KeyOf("t1")));

        // Another silo's store (a new activation after a silo kill) reads what this one appended.
        await using var other = new RedisLearnerJournalStore(services.Redis.ConnectionString, _serviceId, s_serializer);
        using var reopened = other.Open("t1");
        var read = await reopened.ReadAllAsync(Ct);
        Assert.Equal(["e1", "e2", "e2"], read.Select(e => e.EpisodeId));
        Assert.Equal([LearningEventKind.Episode, LearningEventKind.Episode, LearningEventKind.Feedback], read.Select(e => e.Kind));
        Assert.Equal(2, read[0].Label);
        Assert.Equal([0.25f, -1.5f], read[0].Features);
        Assert.Empty(await other.Open("t2").ReadAllAsync(Ct));
    }

    [Fact]
    public async Task Reset_replaces_the_list_and_reset_to_nothing_deletes_the_key()
    {
        await using var store = new RedisLearnerJournalStore(services.Redis.ConnectionString, _serviceId, s_serializer);
        using var journal = store.Open("t1");
        await journal.AppendAsync(Event("e1"), Ct);
        await journal.AppendAsync(Event("e2"), Ct);
        await journal.AppendAsync(Event("e3"), Ct);

        await journal.ResetAsync([Event("e1"), Event("e3")], Ct);
        await journal.AppendAsync(Event("e4"), Ct);
        Assert.Equal(["e1", "e3", "e4"], (await journal.ReadAllAsync(Ct)).Select(e => e.EpisodeId));

        await journal.ResetAsync([], Ct);
        Assert.Empty(await journal.ReadAllAsync(Ct));
        await using var redis = await ConnectionMultiplexer.ConnectAsync(services.Redis.ConnectionString);
        Assert.False(await redis.GetDatabase().KeyExistsAsync(store.KeyOf("t1")));
    }

    [Fact]
    public async Task Journals_of_other_services_with_the_same_task_id_are_separate()
    {
        await using var mine = new RedisLearnerJournalStore(services.Redis.ConnectionString, _serviceId, s_serializer);
        await using var theirs = new RedisLearnerJournalStore(services.Redis.ConnectionString, _serviceId + "-other", s_serializer);
        await mine.Open("t1").AppendAsync(Event("mine"), Ct);
        await theirs.Open("t1").AppendAsync(Event("theirs"), Ct);

        Assert.Equal(["mine"], (await mine.Open("t1").ReadAllAsync(Ct)).Select(e => e.EpisodeId));
        Assert.Equal(["theirs"], (await theirs.Open("t1").ReadAllAsync(Ct)).Select(e => e.EpisodeId));
    }

    private static LearningEvent Event(string id, LearningEventKind kind = LearningEventKind.Episode, int? label = null) =>
        new(kind, id, ImmutableArray.Create(0.25f, -1.5f), label, 1, 0.3, 2, DateTimeOffset.UnixEpoch, 0, 0.8, 0.7);
}
