using System.Globalization;

namespace SelfDissonance.Cli.Csv;

/// <summary>
/// Reads a plain numeric CSV (a header row, comma-separated, no quoting inside values) into episodes. The task's feature
/// columns are required, in any order; other columns (such as <c>split</c>) are ignored; blank lines are skipped. The
/// whole file is read and checked before anything is sent, so a bad row never leaves a run half done.
/// </summary>
internal static class EpisodeCsv
{
    public static IReadOnlyList<CsvEpisode> Read(string path, IReadOnlyList<string> features, string? labelColumn, int? limit, out bool hasLabels)
    {
        if (!File.Exists(path))
        {
            throw new UsageException($"{Path.GetFullPath(path)} does not exist.");
        }

        using var lines = File.ReadLines(path).GetEnumerator();
        var lineNumber = 0;
        string[]? header = null;
        while (header is null && lines.MoveNext())
        {
            lineNumber++;
            if (!string.IsNullOrWhiteSpace(lines.Current))
            {
                header = Split(lines.Current);
            }
        }

        if (header is null)
        {
            throw new UsageException($"{path} is empty: a header row naming the columns is required.");
        }

        var missing = features.Where(f => Array.IndexOf(header, f) < 0).ToList();
        if (missing.Count > 0)
        {
            throw new UsageException($"{path} lacks the task's feature column{(missing.Count == 1 ? "" : "s")} {string.Join(", ", missing)} (its header: {string.Join(",", header)}).");
        }

        var featureIndex = features.Select(f => Array.IndexOf(header, f)).ToArray();
        var labelIndex = labelColumn is null ? -1 : Array.IndexOf(header, labelColumn);
        hasLabels = labelIndex >= 0;
        var width = Math.Max(featureIndex.Max(), labelIndex) + 1;

        var rows = new List<CsvEpisode>();
        while ((limit is null || rows.Count < limit) && lines.MoveNext())
        {
            lineNumber++;
            if (string.IsNullOrWhiteSpace(lines.Current))
            {
                continue;
            }

            var cells = Split(lines.Current);
            if (cells.Length < width)
            {
                throw new UsageException($"{path}:{lineNumber}: {cells.Length} column(s), the header names {header.Length}.");
            }

            var values = new Dictionary<string, double>(features.Count, StringComparer.Ordinal);
            for (var i = 0; i < features.Count; i++)
            {
                var cell = cells[featureIndex[i]];
                if (!double.TryParse(cell, NumberStyles.Float, CultureInfo.InvariantCulture, out var value))
                {
                    throw new UsageException($"{path}:{lineNumber}: {features[i]} is '{cell}', not a number.");
                }

                values[features[i]] = value;
            }

            var label = labelIndex >= 0 && cells[labelIndex].Length > 0 ? cells[labelIndex] : null;
            rows.Add(new CsvEpisode(lineNumber, values, label));
        }

        return rows;
    }

    private static string[] Split(string line) => [.. line.Split(',').Select(c => c.Trim().Trim('"'))];
}
