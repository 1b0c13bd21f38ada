using System.Globalization;
using SelfDissonance.Client;
using SelfDissonance.Client.Contracts;

namespace SelfDissonance.Samples.Quickstart;

/// <summary>What the sample did.</summary>
/// <param name="Task">The task it created.</param>
/// <param name="Episodes">Episodes it ran.</param>
/// <param name="Correct">Episodes whose prediction matched the CSV's label.</param>
/// <param name="EventsSeen">Live events received while it ran.</param>
/// <param name="ProductionVersion">The proposer's production version at the end.</param>
public sealed record QuickstartSummary(string Task, int Episodes, int Correct, int EventsSeen, int ProductionVersion);

/// <summary>The SDK end to end: create a task, bootstrap it from CSV, stream episodes, watch live events, learn.</summary>
public static class Quickstart
{
    /// <summary>Runs the sample against any transport of the SDK.</summary>
    /// <param name="sd">The client.</param>
    /// <param name="csvPath">A CSV with feature columns, <c>label</c> and <c>split</c> (train or golden).</param>
    /// <param name="output">Where progress goes.</param>
    /// <param name="cancellationToken">Stops the sample.</param>
    /// <returns>What it did.</returns>
    public static async Task<QuickstartSummary> RunAsync(ISelfDissonanceClient sd, string csvPath, TextWriter output, CancellationToken cancellationToken = default)
    {
        var lines = await File.ReadAllLinesAsync(csvPath, cancellationToken);
        var header = lines[0].Split(',');
        var features = header.Where(h => h is not ("label" or "split")).ToList();
        var labelColumn = Array.IndexOf(header, "label");
        var rows = lines.Skip(1).Where(l => l.Length > 0).Select(l => l.Split(',')).ToList();
        var classes = rows.Select(r => r[labelColumn]).Distinct().Order(StringComparer.Ordinal).ToList();

        var task = $"quickstart-{DateTime.UtcNow:yyyyMMddHHmmss}";
        await sd.CreateTaskAsync(new CreateTaskRequest(task, features, classes, new PolicyUpdate { MinBatch = 32, KlEps = 0.2, GoldenTolerance = 0.02 }), cancellationToken);
        var bootstrap = await sd.BootstrapFromCsvFileAsync(task, csvPath, cancellationToken);
        await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
            $"task {task}: proposer v{bootstrap.Proposer.Version} golden accuracy {bootstrap.Proposer.GoldenAccuracy:P1} ({bootstrap.TrainingRows} training rows, {bootstrap.GoldenRows} golden)"));

        // Watch while streaming: promotions and cycles are printed as they happen.
        using var watching = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var events = 0;
        var watcher = Task.Run(async () =>
        {
            try
            {
                await foreach (var e in sd.WatchAsync(task, watching.Token))
                {
                    Interlocked.Increment(ref events);
                    if (e.Model is { } m)
                    {
                        await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"  {e.Kind}: {m.Role} v{m.From} -> v{m.To} ({m.Action}, golden {m.GoldenAccuracy:P1})"));
                    }
                    else if (e.Cycle is { } c)
                    {
                        await output.WriteLineAsync($"  cycle {c.Cycle}: {c.Outcome}{(c.Reasons.Count > 0 ? " (" + string.Join(", ", c.Reasons) + ")" : "")}");
                    }
                }
            }
            catch (OperationCanceledException) when (watching.IsCancellationRequested)
            {
                // Done watching.
            }
        }, CancellationToken.None);

        var correct = 0;
        for (var i = 0; i < rows.Count; i++)
        {
            var values = features.ToDictionary(f => f, f => double.Parse(rows[i][Array.IndexOf(header, f)], CultureInfo.InvariantCulture));
            var label = rows[i][labelColumn];
            var episode = await sd.RunEpisodeAsync(task, new EpisodeRequest(values, label), cancellationToken);
            correct += episode.Prediction.Label == label ? 1 : 0;
            if ((i + 1) % 100 == 0)
            {
                await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"{i + 1} episodes, running accuracy {(double)correct / (i + 1):P1}"));
            }
        }

        await sd.LearnAsync(task, cancellationToken);
        await Task.Delay(TimeSpan.FromSeconds(1), cancellationToken); // let the last events arrive
        await watching.CancelAsync();
        await watcher;

        var models = await sd.ListModelsAsync(task, cancellationToken);
        var production = models.Proposer.Production ?? 0;
        var golden = models.Proposer.Versions.First(v => v.Version == production).GoldenAccuracy;
        await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
            $"done: {rows.Count} episodes, accuracy {(double)correct / rows.Count:P1}, {events} live events, proposer production v{production} (golden {golden:P1})"));
        return new QuickstartSummary(task, rows.Count, correct, events, production);
    }

    /// <summary>samples/data/two-moons.csv, found from the working directory upwards.</summary>
    /// <returns>Its path.</returns>
    public static string FindSampleCsv()
    {
        for (var dir = new DirectoryInfo(Directory.GetCurrentDirectory()); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, "samples", "data", "two-moons.csv");
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        throw new FileNotFoundException("samples/data/two-moons.csv was not found; pass a CSV path as the second argument.");
    }
}
