using System.Globalization;
using System.Net;
using SelfDissonance.Client.Contracts;
using SelfDissonance.Testing;
using static SelfDissonance.Testing.Api;

namespace SelfDissonance.Silo.Tests;

/// <summary>
/// The short version of the learning-quality benchmark (scripts/bench-learning.sh) through the HTTP API with the default
/// policy: a public dataset split once (20 % golden, 5 % bootstrap with at least 3 rows per class, the rest streamed with
/// half the labels, POST /learn after every tenth). Learning must happen: the golden accuracy at the end beats the
/// bootstrap model's, and no cycle leaves the proposer frozen by the trust region. No accuracy thresholds: the full
/// benchmark measures those (LEARNING.md).
/// </summary>
public sealed class LearningQualityTests(GatewayFixture fixture, ITestOutputHelper output)
{
    private const int MaxStream = 600;

    [Theory]
    [InlineData("wine")]
    [InlineData("moons")]
    public async Task With_the_default_policy_the_service_learns_from_the_stream(string dataset)
    {
        var http = fixture.Http;
        var (features, classes, rows) = Load(dataset);
        var random = new Random(42);
        rows = [.. rows.OrderBy(_ => random.Next())];
        var golden = rows.Take(rows.Count / 5).ToList();
        var rest = rows.Skip(golden.Count).ToList();
        var bootstrap = rest.Take(rest.Count / 20).ToList();
        bootstrap.AddRange(rest.Skip(bootstrap.Count).GroupBy(r => r.Label).SelectMany(g => g.Take(Math.Max(0, 3 - bootstrap.Count(b => b.Label == g.Key)))));
        var stream = rest.Where(r => !bootstrap.Contains(r)).Take(MaxStream).ToList();
        var task = $"quality-{dataset}";
        await (await http.PostAsync("/v1/tasks", new CreateTaskRequest(task, features, classes))).ReadAsync<TaskResponse>(HttpStatusCode.Created);
        await (await http.PostAsync($"/v1/tasks/{task}/bootstrap", new BootstrapRequest(bootstrap, golden))).ReadAsync<BootstrapResponse>();
        var start = await GoldenAccuracyAsync(task, golden);

        var cycles = new List<LearnResponse>();
        for (var i = 0; i < stream.Count; i++)
        {
            var row = stream[i];
            var episode = new EpisodeRequest(row.Features, i % 2 == 0 ? row.Label : null, $"{task}-{i}");
            (await http.PostAsync($"/v1/tasks/{task}/episodes", episode)).EnsureSuccessStatusCode();
            if ((i + 1) % (stream.Count / 10) == 0)
            {
                cycles.Add(await (await http.PostAsync($"/v1/tasks/{task}/learn", null, Ct)).ReadAsync<LearnResponse>());
            }
        }

        var end = await GoldenAccuracyAsync(task, golden);
        foreach (var c in cycles)
        {
            output.WriteLine($"cycle {c.Cycle}: proposer {c.Proposer?.Outcome} [{string.Join(",", c.Proposer?.Reasons ?? [])}] {c.Proposer?.Trainer} step {c.Proposer?.Step:0.###} golden {c.Proposer?.GoldenAccuracy:P1}");
        }

        output.WriteLine($"{dataset}: golden {start:P1} -> {end:P1} over {stream.Count} episodes");
        Assert.True(end > start, $"golden accuracy {start:P1} -> {end:P1}: nothing was learned");
        Assert.DoesNotContain(cycles, c => c.Proposer?.Reasons.Contains("kl_trust_region") == true);
        var history = await (await fixture.Http.GetAsync($"/v1/tasks/{task}/cycles?limit=200", Ct)).ReadAsync<CyclesResponse>();
        Assert.Null(history.Next);
        AssertSettingsChosenAgainAsDataGrows(history, bootstrap.Count);
        AssertNoVersionRunsMoreThanTwoModels(history);
    }

    /// <summary>
    /// However many bounded steps the stream took, no version of either role runs more than two models per prediction
    /// (a step from a mixture starts from one model distilled from it, or from one of its members).
    /// </summary>
    private static void AssertNoVersionRunsMoreThanTwoModels(CyclesResponse history)
    {
        var reports = history.Cycles.SelectMany(c => new[] { c.Proposer, c.Critic }).OfType<CandidateResponse>().ToList();
        Assert.Contains(reports, r => r.Members == 2);
        Assert.All(reports, r => Assert.InRange(r.Members, 0, 2));
    }

    /// <summary>
    /// After every cycle of the history (those the learner ran on its own too) whose labeled rows had doubled, and grown by
    /// at least 32, since the last choice (the bootstrap's first), the settings were chosen again on those rows, and
    /// exactly the next cycle trained with them: its report carries the scores and the rows they were chosen on.
    /// </summary>
    private void AssertSettingsChosenAgainAsDataGrows(CyclesResponse history, int bootstrapRows)
    {
        var lastChoice = bootstrapRows;
        int? dueAt = null;
        var chosenAgain = 0;
        foreach (var cycle in history.Cycles.OrderBy(c => c.Cycle))
        {
            if ((cycle.Proposer ?? cycle.Critic) is not { } report)
            {
                continue;
            }

            var chosen = report.CvScores.Count > 0;
            output.WriteLine($"cycle {cycle.Cycle}: {report.LabeledRows} labeled rows, last choice at {lastChoice}, trained with settings chosen again: {chosen} (on {report.CvRows} rows)");
            Assert.True(chosen == dueAt is not null, $"cycle {cycle.Cycle}: trained with settings chosen again {chosen}, expected {dueAt is not null} (the previous cycle's rows: {dueAt}, last choice at {lastChoice})");
            if (chosen)
            {
                Assert.Equal(dueAt, report.CvRows);
                lastChoice = dueAt!.Value;
                chosenAgain++;
            }

            dueAt = report.LabeledRows >= Math.Max(2 * lastChoice, lastChoice + 32) ? report.LabeledRows : null;
        }

        Assert.True(chosenAgain > 0, "the stream never grew the labeled rows enough to choose the settings again");
    }

    private async Task<double> GoldenAccuracyAsync(string task, List<LabeledRow> golden)
    {
        var predictions = await (await fixture.Http.PostAsync($"/v1/tasks/{task}/predict", golden.Select(g => new PredictRequest(g.Features)).ToList())).ReadAsync<List<PredictResponse>>();
        return (double)predictions.Zip(golden).Count(p => p.First.Label == p.Second.Label) / golden.Count;
    }

    private static (List<string> Features, List<string> Classes, List<LabeledRow> Rows) Load(string dataset)
    {
        var lines = File.ReadAllLines(Path.Combine(RepoPaths.Root, "samples", "data", "learning", dataset + ".csv"));
        var features = lines[0].Split(',')[..^1].ToList();
        var rows = lines.Skip(1).Where(l => l.Length > 0).Select(l => l.Split(',')).Select(cells => new LabeledRow(
            features.Select((name, i) => (name, value: double.Parse(cells[i], CultureInfo.InvariantCulture))).ToDictionary(p => p.name, p => p.value),
            cells[^1])).ToList();
        return (features, [.. rows.Select(r => r.Label!).Distinct().Order(StringComparer.Ordinal)], rows);
    }
}
