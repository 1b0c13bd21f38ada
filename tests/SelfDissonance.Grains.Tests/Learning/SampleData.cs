using System.Globalization;
using SelfDissonance.Learning.Ml;

namespace SelfDissonance.Grains.Tests.Learning;

/// <summary>The learning benchmark's datasets (samples/data/learning), read as training rows with class indexes in first-seen order.</summary>
internal static class SampleData
{
    public static (ModelShape Shape, List<TrainingRow> Rows) Load(string name)
    {
        var path = Path.Combine(RepositoryRoot(), "samples", "data", "learning", name + ".csv");
        var lines = File.ReadAllLines(path);
        var header = lines[0].Split(',');
        var classes = new List<string>();
        var rows = new List<TrainingRow>(lines.Length - 1);
        foreach (var line in lines.Skip(1).Where(l => l.Length > 0))
        {
            var cells = line.Split(',');
            var label = cells[^1];
            var index = classes.IndexOf(label);
            if (index < 0)
            {
                classes.Add(label);
                index = classes.Count - 1;
            }

            rows.Add(new TrainingRow([.. cells[..^1].Select(c => float.Parse(c, CultureInfo.InvariantCulture))], index, 1f));
        }

        return (new ModelShape(header.Length - 1, classes.Count), rows);
    }

    private static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "SelfDissonance.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("The repository root (SelfDissonance.sln) is not above the test's directory.");
    }
}
