namespace SelfDissonance.Testing;

/// <summary>
/// Figures a test measured (chaos, restarts) written to .data/reports/NAME.json in the repository, for the people who
/// read them; .data is never committed. The test's assertions do not depend on this.
/// </summary>
public static class Report
{
    public static void Write(string name, string json)
    {
        var dir = Directory.CreateDirectory(Path.Combine(RepoPaths.Root, ".data", "reports"));
        File.WriteAllText(Path.Combine(dir.FullName, Path.HasExtension(name) ? name : $"{name}.json"), json);
    }
}
