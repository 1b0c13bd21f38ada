using SelfDissonance.Learning.Journal;
using SelfDissonance.Testing;
using StackExchange.Redis;

namespace SelfDissonance.ClusterProfile.Tests;

/// <summary>The cluster profile's learner journal against a real redis-server: one list per task, <c>{service}:learner-journal:{task}</c>.</summary>
public sealed class RedisLearnerJournalTests(ClusterServices services) : LearnerJournalContract
{
    protected override ILearnerJournalStore CreateStore(string serviceId) =>
        new RedisLearnerJournalStore(services.Redis.ConnectionString, serviceId, EventSerializer);

    protected override async Task<long> StoredEntriesAsync(ILearnerJournalStore store, string taskId)
    {
        var redis = (RedisLearnerJournalStore)store;
        Assert.Equal($"{ServiceId}:learner-journal:{taskId}", redis.KeyOf(taskId).ToString());
        await using var connection = await ConnectionMultiplexer.ConnectAsync(services.Redis.ConnectionString);
        return await connection.GetDatabase().ListLengthAsync(redis.KeyOf(taskId));
    }

    protected override async Task<bool> ExistsAsync(ILearnerJournalStore store, string taskId)
    {
        await using var connection = await ConnectionMultiplexer.ConnectAsync(services.Redis.ConnectionString);
        return await connection.GetDatabase().KeyExistsAsync(((RedisLearnerJournalStore)store).KeyOf(taskId));
    }
}
