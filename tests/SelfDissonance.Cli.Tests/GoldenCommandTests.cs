using System.Globalization;
using SelfDissonance.Testing;

namespace SelfDissonance.Cli.Tests;

public sealed class GoldenCommandTests(CliFixture fixture)
{
    private const string Task = "cli-golden";

    [Fact]
    public async Task Golden_rows_from_a_csv_replace_the_holdout_and_a_file_without_labels_is_refused()
    {
        await fixture.CreateBootstrappedAsync(Task);
        using var folder = new TempDirectory();
        var rows = TwoMoons.Generate(12, seed: 71);
        var csv = Path.Combine(folder.Path, "golden.csv");
        await File.WriteAllLinesAsync(csv, ["x,y,label", .. rows.Select(r => string.Create(CultureInfo.InvariantCulture, $"{r.Features[0]},{r.Features[1]},{TwoMoons.Classes[r.Label]}"))], TestContext.Current.CancellationToken);

        var replaced = await fixture.RunAsync("golden", Task, csv, "--replace", "--json");

        Assert.True(replaced.ExitCode == ExitCodes.Ok, replaced.ToString());
        var json = replaced.Json();
        Assert.Equal(2, json.GetProperty("revision").GetInt32());
        Assert.Equal(12, json.GetProperty("goldenRows").GetInt32());
        Assert.Equal("replace", json.GetProperty("mode").GetString());
        Assert.InRange(json.GetProperty("proposer").GetProperty("goldenAccuracy").GetDouble(), 0, 1);

        var text = await fixture.RunAsync("golden", Task, csv);
        Assert.True(text.ExitCode == ExitCodes.Ok, text.ToString());
        Assert.Contains("24 (add)", text.Out, StringComparison.Ordinal);

        var unlabeled = Path.Combine(folder.Path, "unlabeled.csv");
        await File.WriteAllLinesAsync(unlabeled, ["x,y", "0.1,0.2"], TestContext.Current.CancellationToken);
        var refused = await fixture.RunAsync("golden", Task, unlabeled);
        Assert.Equal(ExitCodes.Usage, refused.ExitCode);
        Assert.Contains("label", refused.Error, StringComparison.Ordinal);
    }
}
