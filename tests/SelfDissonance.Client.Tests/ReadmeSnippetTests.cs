using Microsoft.Extensions.DependencyInjection;
using SelfDissonance.Client.Contracts;
using SelfDissonance.Testing;

namespace SelfDissonance.Client.Tests;

/// <summary>The README's SDK lines are the lines between the markers below, and they run against a real gateway.</summary>
public sealed class ReadmeSnippetTests(SdkFixture fixture)
{
    [Fact]
    public async Task The_readme_sdk_snippet_is_this_code_and_it_runs()
    {
        var ct = TestContext.Current.CancellationToken;
        var readme = (await File.ReadAllTextAsync(Path.Combine(RepoPaths.Root, "README.md"), ct)).ReplaceLineEndings("\n");
        var source = (await File.ReadAllTextAsync(Path.Combine(RepoPaths.Root, "tests", "SelfDissonance.Client.Tests", "ReadmeSnippetTests.cs"), ct)).ReplaceLineEndings("\n");
        var snippet = string.Join('\n', Between(source, "// README:begin\n", "            // README:end").TrimEnd('\n').Split('\n').Select(l => l.Length > 12 ? l[12..] : ""));
        Assert.Contains("var address = new Uri(\"http://127.0.0.1:5080\");\nvar apiKey = Environment.GetEnvironmentVariable(\"SD_API_KEY\");\n" + snippet, readme, StringComparison.Ordinal);

        var previousOut = Console.Out;
        var previousDirectory = Directory.GetCurrentDirectory();
        var output = new StringWriter();
        Console.SetOut(output);
        Directory.SetCurrentDirectory(RepoPaths.Root);
        try
        {
            // The README's first line points at the default silo; the test gateway listens on a free port.
            var address = fixture.Host.BaseAddress;
            var apiKey = fixture.Host.AdminKey;
#pragma warning disable xUnit1051 // the README shows the calls as a user writes them, without a token
            // README:begin
            var services = new ServiceCollection();
            services.AddSelfDissonanceClient(o => { o.BaseAddress = address; o.ApiKey = apiKey; });
            var sd = services.BuildServiceProvider().GetRequiredService<ISelfDissonanceClient>();

            await sd.CreateTaskAsync(new CreateTaskRequest("moons-sdk-readme", ["x", "y"], ["upper", "lower"]));
            await sd.BootstrapFromCsvFileAsync("moons-sdk-readme", "samples/data/two-moons.csv");
            var episode = await sd.RunEpisodeAsync("moons-sdk-readme", new EpisodeRequest(new Dictionary<string, double> { ["x"] = 0.5, ["y"] = 0.25 }));
            Console.WriteLine($"{episode.Prediction.Label} d={episode.Dissonance:F3} learnable={episode.Gate.Allowed}");
            await sd.SendFeedbackAsync(episode.Id, "lower");
            try { await sd.GetTaskAsync("no-such-task"); } catch (SelfDissonanceException e) { Console.WriteLine(e.Reason); } // task_not_found
            // README:end
#pragma warning restore xUnit1051
        }
        finally
        {
            Console.SetOut(previousOut);
            Directory.SetCurrentDirectory(previousDirectory);
        }

        var lines = output.ToString().ReplaceLineEndings("\n").Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Matches(@"^(upper|lower) d=\d\.\d{3} learnable=(True|False)$", lines[0]);
        Assert.Equal("task_not_found", lines[1]);
    }

    private static string Between(string text, string start, string end)
    {
        var from = text.IndexOf(start, StringComparison.Ordinal) + start.Length;
        return text[from..text.IndexOf(end, from, StringComparison.Ordinal)];
    }
}
