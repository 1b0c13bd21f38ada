using System.Collections.Concurrent;
using System.Diagnostics;
using SelfDissonance.Client.Contracts;

namespace SelfDissonance.Cli.Episodes;

/// <summary>Running counts of a stream of episodes, updated from concurrent senders.</summary>
internal sealed class EpisodeTally
{
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private readonly ConcurrentDictionary<string, long> _errors = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, long> _blocked = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, string> _firstError = new(StringComparer.Ordinal);
    private long _episodes;
    private long _labeled;
    private long _correct;
    private long _learnable;
    private long _feedback;
    private long _done;

    public long Episodes => Interlocked.Read(ref _episodes);

    public long Labeled => Interlocked.Read(ref _labeled);

    public long Correct => Interlocked.Read(ref _correct);

    public long Learnable => Interlocked.Read(ref _learnable);

    public long Feedback => Interlocked.Read(ref _feedback);

    /// <summary>Rows finished, whether they succeeded or failed.</summary>
    public long Done => Interlocked.Read(ref _done);

    public long Errors => _errors.Values.Sum();

    /// <summary>Episodes the gate blocked (one episode may have several reasons).</summary>
    public long Blocked => Episodes - Learnable;

    public IReadOnlyDictionary<string, long> ErrorsByReason => new SortedDictionary<string, long>(_errors, StringComparer.Ordinal);

    public IReadOnlyDictionary<string, long> BlockedByReason => new SortedDictionary<string, long>(_blocked, StringComparer.Ordinal);

    /// <summary>The first failure of each reason, with the row it happened on: enough to fix the input.</summary>
    public IReadOnlyDictionary<string, string> FirstErrors => new SortedDictionary<string, string>(_firstError, StringComparer.Ordinal);

    public double? Accuracy => Labeled > 0 ? (double)Correct / Labeled : null;

    public TimeSpan Elapsed => _clock.Elapsed;

    public double EpisodesPerSecond => Elapsed.TotalSeconds > 0 ? Episodes / Elapsed.TotalSeconds : 0;

    public void Stop() => _clock.Stop();

    public void AddEpisode(EpisodeResponse episode, string? label)
    {
        Interlocked.Increment(ref _episodes);
        if (episode.Gate.Allowed)
        {
            Interlocked.Increment(ref _learnable);
        }
        else
        {
            foreach (var reason in episode.Gate.Reasons)
            {
                _blocked.AddOrUpdate(reason, 1, (_, n) => n + 1);
            }
        }

        if (label is not null)
        {
            Interlocked.Increment(ref _labeled);
            if (string.Equals(episode.Prediction.Label, label, StringComparison.Ordinal))
            {
                Interlocked.Increment(ref _correct);
            }
        }
    }

    public void AddFeedback() => Interlocked.Increment(ref _feedback);

    public void AddError(string reason, string description)
    {
        _errors.AddOrUpdate(reason, 1, (_, n) => n + 1);
        _firstError.TryAdd(reason, description);
    }

    public void RowDone() => Interlocked.Increment(ref _done);
}
