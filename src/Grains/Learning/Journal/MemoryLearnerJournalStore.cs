using System.Collections.Concurrent;
using System.Collections.Immutable;

namespace SelfDissonance.Learning.Journal;

/// <summary>Journals in process memory (<c>SelfDissonance:StateStore=Memory</c>): they outlive an activation, not the process.</summary>
public sealed class MemoryLearnerJournalStore : ILearnerJournalStore
{
    private readonly ConcurrentDictionary<string, ImmutableList<LearningEvent>> _journals = new(StringComparer.Ordinal);

    public ILearnerJournal Open(string taskId) => new Journal(this, taskId);

    private sealed class Journal(MemoryLearnerJournalStore store, string taskId) : ILearnerJournal
    {
        public ValueTask<IReadOnlyList<LearningEvent>> ReadAllAsync(CancellationToken cancellationToken = default) =>
            ValueTask.FromResult<IReadOnlyList<LearningEvent>>(store._journals.GetValueOrDefault(taskId) ?? []);

        public ValueTask AppendAsync(LearningEvent item, CancellationToken cancellationToken = default)
        {
            store._journals.AddOrUpdate(taskId, static (_, e) => [e], static (_, list, e) => list.Add(e), item);
            return ValueTask.CompletedTask;
        }

        public ValueTask ResetAsync(IReadOnlyList<LearningEvent> events, CancellationToken cancellationToken = default)
        {
            if (events.Count == 0)
            {
                store._journals.TryRemove(taskId, out _);
            }
            else
            {
                store._journals[taskId] = [.. events];
            }

            return ValueTask.CompletedTask;
        }

        public void Dispose()
        {
        }
    }
}
