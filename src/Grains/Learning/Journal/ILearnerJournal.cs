namespace SelfDissonance.Learning.Journal;

/// <summary>
/// One task's learner journal: the learnable events consumed since the last dataset segment, appended one at a time
/// (O(1) per event) so an event is durable before the learner acknowledges it. Used by one activation at a time.
/// </summary>
public interface ILearnerJournal : IDisposable
{
    /// <summary>Every event in the journal, oldest first. A torn tail (a crash mid-append: never acknowledged) is dropped.</summary>
    ValueTask<IReadOnlyList<LearningEvent>> ReadAllAsync(CancellationToken cancellationToken = default);

    /// <summary>Appends one event; durable when the returned task completes.</summary>
    ValueTask AppendAsync(LearningEvent item, CancellationToken cancellationToken = default);

    /// <summary>Atomically replaces the whole journal with <paramref name="events"/> (after a segment flush or an erasure).</summary>
    ValueTask ResetAsync(IReadOnlyList<LearningEvent> events, CancellationToken cancellationToken = default);
}
