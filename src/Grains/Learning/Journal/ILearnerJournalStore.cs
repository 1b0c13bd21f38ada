namespace SelfDissonance.Learning.Journal;

/// <summary>Where learner journals live: files (embedded default), Redis lists (cluster profile) or process memory.</summary>
public interface ILearnerJournalStore
{
    /// <summary>The journal of <paramref name="taskId"/>; cheap, touches storage only on the first read or append.</summary>
    ILearnerJournal Open(string taskId);
}
