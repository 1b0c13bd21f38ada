using Orleans.Serialization;
using StackExchange.Redis;

namespace SelfDissonance.Learning.Journal;

/// <summary>
/// The cluster profile's journals: one Redis list per task, <c>{serviceId}:learner-journal:{task}</c>, of
/// Orleans-serialized events. An append is one RPUSH (acknowledged by Redis before the learner acknowledges the event);
/// a reset is DEL plus RPUSH of what remains in one MULTI. One connection is shared by every journal of the silo.
/// </summary>
public sealed class RedisLearnerJournalStore(string connectionString, string serviceId, Serializer serializer) : ILearnerJournalStore, IAsyncDisposable
{
    private readonly Lock _connectLock = new();
    private Task<ConnectionMultiplexer>? _connecting;

    private Serializer EventSerializer => serializer;

    public ILearnerJournal Open(string taskId) => new Journal(this, KeyOf(taskId));

    /// <summary>The list key of <paramref name="taskId"/>'s journal.</summary>
    public RedisKey KeyOf(string taskId) => $"{serviceId}:learner-journal:{taskId}";

    public async ValueTask DisposeAsync()
    {
        Task<ConnectionMultiplexer>? connecting;
        lock (_connectLock)
        {
            connecting = _connecting;
            _connecting = null;
        }

        if (connecting is null)
        {
            return;
        }

        try
        {
            await (await connecting).DisposeAsync();
        }
        catch (RedisException)
        {
            // It never connected: nothing to close.
        }
    }

    private async Task<IDatabase> DatabaseAsync(CancellationToken cancellationToken)
    {
        Task<ConnectionMultiplexer> connecting;
        lock (_connectLock)
        {
            // A failed connect is not cached: the next caller tries again.
            if (_connecting is null || _connecting.IsFaulted || _connecting.IsCanceled)
            {
                _connecting = ConnectionMultiplexer.ConnectAsync(ConfigurationOptions.Parse(connectionString));
            }

            connecting = _connecting;
        }

        return (await connecting.WaitAsync(cancellationToken)).GetDatabase();
    }

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
