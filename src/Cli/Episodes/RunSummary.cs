namespace SelfDissonance.Cli.Episodes;

/// <summary>What <c>sdctl run</c> reports at the end (the --json document).</summary>
internal sealed record RunSummary(
    string Task,
    string File,
    int Rows,
    long Episodes,
    long Errors,
    IReadOnlyDictionary<string, long> ErrorsByReason,
    string Labels,
    long Labeled,
    long Correct,
    double? Accuracy,
    long Learnable,
    long Blocked,
    IReadOnlyDictionary<string, long> BlockedByReason,
    long FeedbackSent,
    int Concurrency,
    double ElapsedSeconds,
    double EpisodesPerSecond,
    bool Completed)
{
    public static RunSummary From(string task, string file, int rows, LabelMode mode, int concurrency, EpisodeTally tally, bool completed) => new(
        task,
        file,
        rows,
        tally.Episodes,
        tally.Errors,
        tally.ErrorsByReason,
        mode switch { LabelMode.WithEpisode => "episode", LabelMode.Feedback => "feedback", _ => "none" },
        tally.Labeled,
        tally.Correct,
        tally.Accuracy,
        tally.Learnable,
        tally.Blocked,
        tally.BlockedByReason,
        tally.Feedback,
        concurrency,
        Math.Round(tally.Elapsed.TotalSeconds, 3),
        Math.Round(tally.EpisodesPerSecond, 1),
        completed);
}
