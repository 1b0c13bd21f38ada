using Microsoft.Extensions.Logging;
using Orleans.Serialization;
using SelfDissonance.Storage;

namespace SelfDissonance.Learning.Journal;

/// <summary>The embedded default's journals: one append-only file per task, <c>&lt;DataDirectory&gt;/journal/&lt;task&gt;.log</c>.</summary>
public sealed class FileLearnerJournalStore(string root, bool flushToDisk, Serializer serializer, ILogger<FileLearnerJournal> logger) : ILearnerJournalStore
{
    private readonly string _root = Path.GetFullPath(root);

    public ILearnerJournal Open(string taskId) => new FileLearnerJournal(PathOf(taskId), flushToDisk, serializer, logger);

    /// <summary>The journal file of <paramref name="taskId"/>.</summary>
    public string PathOf(string taskId) => Path.Combine(_root, SafeFileName.Encode(taskId) + ".log");
}
