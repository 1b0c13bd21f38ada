using Orleans.Serialization;
using SelfDissonance.Streaming.RedisStreams;
using StackExchange.Redis;

namespace SelfDissonance.Learning.Journal;

/// <summary>
/// The cluster profile's journals: one Redis list per task, <c>{serviceId}:learner-journal:{task}</c>, of
/// Orleans-serialized events. An append is one RPUSH (acknowledged by Redis before the learner acknowledges the event);
/// a reset is DEL plus RPUSH of what remains in one MULTI. One connection is shared by every journal of the silo.
/// </summary>
public sealed class RedisLearnerJournalStore(string connectionString, string serviceId, Serializer serializer) : ILearnerJournalStore, IAsyncDisposable
{
    private readonly LazyRedisConnection _connection = new(() => ConnectionMultiplexer.ConnectAsync(ConfigurationOptions.Parse(connectionString)));

    private Serializer EventSerializer => serializer;

    public ILearnerJournal Open(string taskId) => new Journal(this, KeyOf(taskId));

    /// <summary>The list key of <paramref name="taskId"/>'s journal.</summary>
    public RedisKey KeyOf(string taskId) => $"{serviceId}:learner-journal:{taskId}";

    public ValueTask DisposeAsync() => _connection.DisposeAsync();

    private async Task<IDatabase> DatabaseAsync(CancellationToken cancellationToken) =>
        (await _connection.GetAsync(cancellationToken)).GetDatabase();

    private sealed class Journal(RedisLearnerJournalStore store, RedisKey key) : ILearnerJournal
    {
        public async ValueTask<IReadOnlyList<LearningEvent>> ReadAllAsync(CancellationToken cancellationToken = default)
        {
            var db = await store.DatabaseAsync(cancellationToken);
            var values = await db.ListRangeAsync(key);
            var events = new List<LearningEvent>(values.Length);
            foreach (var value in values)
            {
                events.Add(store.EventSerializer.Deserialize<LearningEvent>((byte[])value!) ?? throw new InvalidDataException($"Learner journal {key} holds a null event."));
            }

            return events;
        }

        public async ValueTask AppendAsync(LearningEvent item, CancellationToken cancellationToken = default)
        {
            var db = await store.DatabaseAsync(cancellationToken);
            await db.ListRightPushAsync(key, store.EventSerializer.SerializeToArray(item));
        }

        public async ValueTask ResetAsync(IReadOnlyList<LearningEvent> events, CancellationToken cancellationToken = default)
        {
            var db = await store.DatabaseAsync(cancellationToken);
            var transaction = db.CreateTransaction();
            var deleted = transaction.KeyDeleteAsync(key);
            var pushed = events.Count == 0
                ? Task.FromResult(0L)
                : transaction.ListRightPushAsync(key, [.. events.Select(e => (RedisValue)store.EventSerializer.SerializeToArray(e))]);
            if (!await transaction.ExecuteAsync())
            {
                throw new RedisException($"Resetting learner journal {key} was not executed.");
            }

            await Task.WhenAll(deleted, pushed);
        }

        public void Dispose()
        {
        }
    }
}
