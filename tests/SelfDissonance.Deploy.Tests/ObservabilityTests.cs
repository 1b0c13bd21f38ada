using System.Text.Json;
using System.Text.RegularExpressions;
using YamlDotNet.RepresentationModel;

namespace SelfDissonance.Deploy.Tests;

/// <summary>
/// deploy/observability: the alert rules pass promtool's check and its unit tests (each alert fires on the series that
/// should raise it and stays silent on the near misses), and the rules and the Grafana dashboard only use metrics the
/// silos export.
/// </summary>
public sealed partial class ObservabilityTests
{
    private const string Hint = "the deploy tests check deploy/observability's alert rules with promtool (apt-get install prometheus).";
    private static readonly string s_dir = Path.Combine(RepoPaths.Root, "deploy", "observability");

    [Fact]
    public void Alert_rules_pass_promtool_check()
    {
        var result = CommandLineTool.Run("promtool", Hint, "check", "rules", Path.Combine(s_dir, "alerts.yml"));
        Assert.True(result.ExitCode == 0, result.Output + result.Error);
        Assert.Contains("SUCCESS: 6 rules found", result.Output, StringComparison.Ordinal);
    }

    [Fact]
    public void Alert_rules_pass_their_promtool_unit_tests()
    {
        var result = CommandLineTool.Run("promtool", Hint, "test", "rules", Path.Combine(s_dir, "alerts.test.yml"));
        Assert.True(result.ExitCode == 0, result.Output + result.Error);
    }

    [Fact]
    public void Every_runbook_alert_exists_and_has_a_severity_and_a_runbook()
    {
        var rules = Rules().ToList();
        Assert.Equal(
            ["ArtifactIntegrityFailure", "AutomaticRollback", "DissonanceBudgetExhausted", "ProductionLiveAccuracyBelowPredecessor", "SiloDown", "StreamLagHigh"],
            rules.Select(r => Scalar(r, "alert")).Order(StringComparer.Ordinal));
        Assert.All(rules, r =>
        {
            Assert.Contains(Scalar((YamlMappingNode)r["labels"], "severity"), new[] { "page", "ticket" });
            Assert.False(string.IsNullOrWhiteSpace(Scalar((YamlMappingNode)r["annotations"], "runbook")));
        });
    }

    [Fact]
    public void Rules_and_dashboard_use_only_metrics_the_silos_export()
    {
        var exported = ExportedNames();
        var expressions = Rules().Select(r => Scalar(r, "expr")).Concat(DashboardExpressions()).ToList();
        Assert.True(expressions.Count > 15, $"only {expressions.Count} expressions found");
        var used = expressions.SelectMany(e => MetricName().Matches(e).Select(m => m.Value)).ToHashSet(StringComparer.Ordinal);
        var unknown = used.Where(n => !exported.Contains(n)).ToList();
        Assert.True(unknown.Count == 0, $"not exported by the silos: {string.Join(", ", unknown)}");
        // Every domain gauge and counter the runbook needs is on the dashboard or in a rule.
        foreach (var name in new[] { "sd_model_accuracy", "sd_policy_lambda", "sd_budget_left", "sd_streams_oldest_unacked_age_seconds", "sd_gate_blocks_total", "sd_episodes_total", "sd_models_rollbacks_total", "sd_artifacts_integrity_failures_total" })
        {
            Assert.Contains(name, used);
        }
    }

    [Fact]
    public void The_dashboard_has_a_task_variable_and_a_prometheus_datasource()
    {
        using var json = JsonDocument.Parse(File.ReadAllText(Path.Combine(s_dir, "grafana-dashboard.json")));
        var variables = json.RootElement.GetProperty("templating").GetProperty("list").EnumerateArray().Select(v => v.GetProperty("name").GetString()).ToList();
        Assert.Equal(["datasource", "task"], variables);
        Assert.All(json.RootElement.GetProperty("panels").EnumerateArray(), p => Assert.Equal("prometheus", p.GetProperty("datasource").GetProperty("type").GetString()));
    }

    [Fact]
    public void The_scrape_configuration_uses_the_job_the_rules_expect_and_loads_them()
    {
        var yaml = new YamlStream();
        yaml.Load(new StringReader(File.ReadAllText(Path.Combine(s_dir, "prometheus.yml"))));
        var root = (YamlMappingNode)yaml.Documents[0].RootNode;
        Assert.Contains("alerts.yml", ((YamlSequenceNode)root["rule_files"]).Select(n => n.ToString()));
        var job = Assert.Single((YamlSequenceNode)root["scrape_configs"]);
        Assert.Equal("selfdissonance", Scalar((YamlMappingNode)job, "job_name"));
        Assert.Contains("job=\"selfdissonance\"", File.ReadAllText(Path.Combine(s_dir, "alerts.yml")), StringComparison.Ordinal);
    }

    /// <summary>
    /// The Prometheus names of our instruments, read from their definitions (the one Meter's file): dots become
    /// underscores, seconds add _seconds, counters _total, histograms _bucket/_sum/_count. Plus Orleans' cluster size
    /// (its presence on a silo's /metrics is checked by the cluster profile's ObservabilityTests) and Prometheus' own up.
    /// </summary>
    private static HashSet<string> ExportedNames()
    {
        var source = File.ReadAllText(Path.Combine(RepoPaths.Root, "src", "Grains", "Telemetry", "SelfDissonanceMetrics.cs"));
        var names = new HashSet<string>(StringComparer.Ordinal) { "up", "orleans_consistent_ring_size" };
        var definitions = Instrument().Matches(source);
        Assert.True(definitions.Count >= 15, $"only {definitions.Count} instruments parsed");
        foreach (Match m in definitions)
        {
            var name = m.Groups["name"].Value.Replace('.', '_') + (m.Groups["unit"].Value == "\"s\"" ? "_seconds" : "");
            switch (m.Groups["kind"].Value)
            {
                case "Counter":
                    names.Add(name + "_total");
                    break;
                case "Histogram":
                    names.UnionWith([name + "_bucket", name + "_sum", name + "_count"]);
                    break;
                default:
                    names.Add(name);
                    break;
            }
        }

        return names;
    }

    private static IEnumerable<YamlMappingNode> Rules()
    {
        var yaml = new YamlStream();
        yaml.Load(new StringReader(File.ReadAllText(Path.Combine(s_dir, "alerts.yml"))));
        var groups = (YamlSequenceNode)((YamlMappingNode)yaml.Documents[0].RootNode)["groups"];
        return groups.Cast<YamlMappingNode>().SelectMany(g => ((YamlSequenceNode)g["rules"]).Cast<YamlMappingNode>());
    }

    private static IEnumerable<string> DashboardExpressions()
    {
        using var json = JsonDocument.Parse(File.ReadAllText(Path.Combine(s_dir, "grafana-dashboard.json")));
        return [.. json.RootElement.GetProperty("panels").EnumerateArray()
            .SelectMany(p => p.GetProperty("targets").EnumerateArray())
            .Select(t => t.GetProperty("expr").GetString()!)];
    }

    private static string Scalar(YamlMappingNode node, string key) => ((YamlScalarNode)node[key]).Value!;

    [GeneratedRegex("""Create(?<kind>Counter|Histogram|ObservableGauge)(<\w+>)?\("(?<name>[a-z0-9._]+)",\s*(DomainGauges\.\w+,\s*)?(?<unit>null|"[^"]*")""")]
    private static partial Regex Instrument();

    // Metric names in PromQL: ours and Orleans' (sd_*, orleans_*) and up; functions and labels are lower case too, so
    // only these prefixes are checked.
    [GeneratedRegex(@"\b(sd_[a-z0-9_]+|orleans_[a-z0-9_]+|up)\b(?=\s*[{\[)]|\s*$|\s)")]
    private static partial Regex MetricName();
}
