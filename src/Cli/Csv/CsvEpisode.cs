namespace SelfDissonance.Cli.Csv;

/// <summary>One data row of an episodes CSV: its line number (for errors), the task's features and the label if any.</summary>
internal sealed record CsvEpisode(int Line, IReadOnlyDictionary<string, double> Features, string? Label);
