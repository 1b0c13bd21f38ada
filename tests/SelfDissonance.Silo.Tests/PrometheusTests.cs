using System.Globalization;
using System.Net.Http.Json;
using System.Text.RegularExpressions;
using SelfDissonance.Client.Contracts;
using SelfDissonance.Testing;
using static SelfDissonance.Testing.Api;

namespace SelfDissonance.Silo.Tests;

/// <summary>
/// /metrics: our meter in Prometheus text format, moving as episodes run and get blocked. (Orleans' meter is static per
/// process and this assembly starts and stops several silos in one process; a silo process is checked in
/// SelfDissonance.ClusterProfile.Tests.)
/// </summary>
public sealed partial class PrometheusTests(GatewayFixture fixture)
{
    [Fact]
    public async Task Metrics_parse_as_prometheus_text_and_count_episodes_and_gate_blocks()
    {
        const string task = "prometheus";
        var data = TwoMoons.Generate(400, seed: 41);
        // maxDissonance at its least blocks almost every unlabeled episode, so gate blocks must move too.
        await fixture.Http.CreateTwoMoonsTaskAsync(task, new PolicyUpdate { MaxDissonance = 0.13, DTarget = 0.12 });
        await fixture.Http.BootstrapAsync(task, data[..200], data[200..300]);
        var before = await ScrapeAsync();

        foreach (var example in data[300..340])
        {
            (await fixture.Http.PostAsync($"/v1/tasks/{task}/episodes", new EpisodeRequest(Features(example), null))).EnsureSuccessStatusCode();
        }

        double Sum(IReadOnlyList<Sample> samples, string name) => samples.Where(s => s.Name == name && s.Labels.Contains($"task=\"{task}\"", StringComparison.Ordinal)).Sum(s => s.Value);
        // The exporter caches a scrape for a moment.
        var after = await Eventually.ReturnsAsync(ScrapeAsync, a => Sum(a, "sd_episodes_total") - Sum(before, "sd_episodes_total") >= 40, TimeSpan.FromSeconds(10), "the episode counter moving");
        Assert.Equal(40, Sum(after, "sd_episodes_total") - Sum(before, "sd_episodes_total"));
        Assert.Equal(40, Sum(after, "sd_dissonance_count") - Sum(before, "sd_dissonance_count"));
        Assert.True(Sum(after, "sd_gate_blocks_total") > Sum(before, "sd_gate_blocks_total"), "gate blocks should have moved");
    }

    [Fact]
    public async Task Gauges_report_lambda_budget_rollback_drop_and_accuracy_of_the_serving_versions()
    {
        const string task = "gauges";
        var data = TwoMoons.Generate(400, seed: 43);
        await fixture.Http.CreateTwoMoonsTaskAsync(task, new PolicyUpdate { Lambda = 0.02, DBudgetPerHour = 500, RollbackDrop = 0.03 });
        await fixture.Http.BootstrapAsync(task, data[..200], data[200..300]);
        foreach (var example in data[300..330])
        {
            (await fixture.Http.PostAsync($"/v1/tasks/{task}/episodes", new EpisodeRequest(Features(example), TwoMoons.Classes[example.Label]))).EnsureSuccessStatusCode();
        }

        // Only unlabeled episodes spend the budget (labeled ones are ground truth).
        foreach (var example in data[330..370])
        {
            (await fixture.Http.PostAsync($"/v1/tasks/{task}/episodes", new EpisodeRequest(Features(example), null))).EnsureSuccessStatusCode();
        }

        var policy = await fixture.Http.GetFromJsonAsync<PolicyResponse>($"/v1/tasks/{task}/policy", Json, Ct);
        Assert.True(policy!.BudgetLeft < 500, "unlabeled episodes used some of the budget");

        var models = await fixture.Http.GetFromJsonAsync<ModelsResponse>($"/v1/tasks/{task}/models", Json, Ct);
        var production = models!.Proposer.Versions.Single(v => v.Version == models.Proposer.Production);
        string Of(string labels) => $"task=\"{task}\"";
        double? Value(IReadOnlyList<Sample> samples, string name, params string[] labels) =>
            samples.Where(s => s.Name == name && s.Labels.Contains(Of(task), StringComparison.Ordinal) && labels.All(l => s.Labels.Contains(l, StringComparison.Ordinal)))
                .Select(s => (double?)s.Value).SingleOrDefault();

        // The grains publish their readings on a one-second timer, and the exporter caches a scrape for a moment.
        var scrape = await Eventually.ReturnsAsync(
            ScrapeAsync,
            a => Value(a, "sd_budget_left") == policy.BudgetLeft && Value(a, "sd_model_live_samples", "role=\"proposer\"", "stage=\"production\"") == 30
                && Value(a, "sd_model_accuracy", "role=\"critic\"", "stage=\"production\"", "kind=\"golden\"") is not null,
            TimeSpan.FromSeconds(15),
            "the task's gauges");
        Assert.Equal(0.02, Value(scrape, "sd_policy_lambda"));
        Assert.Equal(0.03, Value(scrape, "sd_policy_rollback_drop"));
        var version = $"version=\"{production.Version}\"";
        Assert.Equal(production.GoldenAccuracy, Value(scrape, "sd_model_accuracy", "role=\"proposer\"", version, "stage=\"production\"", "kind=\"golden\"")!.Value, 9);
        Assert.InRange(Value(scrape, "sd_model_accuracy", "role=\"proposer\"", version, "stage=\"production\"", "kind=\"live\"")!.Value, 0.5, 1);
        Assert.Equal(30, Value(scrape, "sd_model_live_samples", "role=\"proposer\"", version, "stage=\"production\""));
        Assert.NotNull(Value(scrape, "sd_model_accuracy", "role=\"critic\"", "stage=\"production\"", "kind=\"golden\""));
        Assert.Null(Value(scrape, "sd_model_accuracy", "stage=\"previous\""));
    }

    private async Task<IReadOnlyList<Sample>> ScrapeAsync()
    {
        var response = await fixture.Http.GetAsync("/metrics", Ct);
        response.EnsureSuccessStatusCode();
        Assert.Equal("text/plain", response.Content.Headers.ContentType?.MediaType);
        var text = await response.Content.ReadAsStringAsync(Ct);
        var samples = new List<Sample>();
        var typed = new HashSet<string>(StringComparer.Ordinal);
        foreach (var line in text.Split('\n').Where(l => l.Length > 0))
        {
            if (line.StartsWith('#'))
            {
                var meta = Meta().Match(line);
                Assert.True(meta.Success || line.StartsWith("# EOF", StringComparison.Ordinal), $"not a Prometheus comment line: {line}");
                if (meta.Success && meta.Groups["kind"].Value == "TYPE")
                {
                    typed.Add(meta.Groups["name"].Value);
                }

                continue;
            }

            var match = SampleLine().Match(line);
            Assert.True(match.Success, $"not a Prometheus sample line: {line}");
            var name = match.Groups["name"].Value;
            Assert.True(typed.Any(t => name == t || name.StartsWith(t + "_", StringComparison.Ordinal)), $"sample {name} has no # TYPE before it");
            samples.Add(new Sample(name, match.Groups["labels"].Value, double.Parse(match.Groups["value"].Value.Replace("+Inf", "Infinity", StringComparison.Ordinal), CultureInfo.InvariantCulture)));
        }

        return samples;
    }

    // The text exposition format 0.0.4: a metric name, optional {label="value",...}, a float value, an optional timestamp.
    [GeneratedRegex("""^(?<name>[a-zA-Z_:][a-zA-Z0-9_:]*)(\{(?<labels>([a-zA-Z_][a-zA-Z0-9_]*="([^"\\]|\\.)*",?)*)\})? (?<value>[-+]?([0-9.]+([eE][-+]?[0-9]+)?|Inf|NaN)|\+Inf)( [0-9]+)?$""")]
    private static partial Regex SampleLine();

    [GeneratedRegex("^# (?<kind>HELP|TYPE) (?<name>[a-zA-Z_:][a-zA-Z0-9_:]*)( .*)?$")]
    private static partial Regex Meta();

    private sealed record Sample(string Name, string Labels, double Value);
}
