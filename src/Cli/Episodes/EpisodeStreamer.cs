using SelfDissonance.Cli.Csv;
using SelfDissonance.Cli.Output;
using SelfDissonance.Client;
using SelfDissonance.Client.Contracts;

namespace SelfDissonance.Cli.Episodes;

/// <summary>
/// Sends rows as synchronous episodes with bounded concurrency. A row the service refuses (4xx) is counted and the stream
/// goes on; no answer or a 5xx (after the SDK's retries) stops the whole stream, since every later row would fail too.
/// </summary>
internal static class EpisodeStreamer
{
    public static async Task RunAsync(
        ISelfDissonanceClient client,
        string task,
        IReadOnlyList<CsvEpisode> rows,
        LabelMode mode,
        int concurrency,
        EpisodeTally tally,
        Action? onRowDone,
        CancellationToken cancellationToken)
    {
        var parallel = new ParallelOptions { MaxDegreeOfParallelism = concurrency, CancellationToken = cancellationToken };
        try
        {
            await Parallel.ForEachAsync(rows, parallel, async (row, ct) =>
            {
                try
                {
                    await SendAsync(client, task, row, mode, tally, ct);
                }
                catch (SelfDissonanceException e) when (ErrorReport.ExitCode(e) == ExitCodes.Refused)
                {
                    tally.AddError(e.Reason, $"line {row.Line}: {e.Title} {e.Detail}".TrimEnd());
                }

                tally.RowDone();
                onRowDone?.Invoke();
            });
        }
        finally
        {
            tally.Stop();
        }
    }

    private static async Task SendAsync(ISelfDissonanceClient client, string task, CsvEpisode row, LabelMode mode, EpisodeTally tally, CancellationToken ct)
    {
        var label = mode == LabelMode.WithEpisode ? row.Label : null;
        var episode = await client.RunEpisodeAsync(task, new EpisodeRequest(row.Features, label), ct);
        tally.AddEpisode(episode, mode == LabelMode.None ? null : row.Label);
        if (mode == LabelMode.Feedback && row.Label is not null)
        {
            await client.SendFeedbackAsync(episode.Id, row.Label, ct);
            tally.AddFeedback();
        }
    }
}
