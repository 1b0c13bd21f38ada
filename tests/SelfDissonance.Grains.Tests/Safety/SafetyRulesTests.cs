using SelfDissonance.Policy;
using SelfDissonance.Safety;
using SelfDissonance.Tasks;

namespace SelfDissonance.Grains.Tests.Safety;

public sealed class SafetyRulesTests
{
    private static readonly TaskDefinition s_task = new("iris", ["a", "b"], ["setosa", "versicolor", "virginica"], DateTimeOffset.UnixEpoch);

    // Feature a: values 1 and 3 → mean 2, population std 1. Feature b: 8 and 12 → mean 10, std 2.
    private static readonly FeatureStatistics s_statistics = FeatureStatisticsCalculator.Compute([[1f, 8f], [3f, 12f]]);

    private static readonly TaskPolicy s_policy = TaskPolicy.Default; // maxDissonance 0.5, oodZMax 6, dTarget 0.12

    [Fact]
    public void A_clean_input_gives_no_reasons()
    {
        var reasons = SafetyRules.Evaluate(s_task, s_statistics, s_policy, [2f, 10f], "versicolor", 0.3, out var maxZ);

        Assert.Empty(reasons);
        Assert.Equal(0.0, maxZ, 1e-12);
    }

    [Fact]
    public void Dissonance_above_max_dissonance_is_too_high()
    {
        var reasons = SafetyRules.Evaluate(s_task, s_statistics, s_policy, [2f, 10f], null, 0.51, out _);

        Assert.Equal([GateReasons.DissonanceTooHigh], reasons);
    }

    [Fact]
    public void Dissonance_equal_to_max_dissonance_is_allowed()
    {
        var reasons = SafetyRules.Evaluate(s_task, s_statistics, s_policy, [2f, 10f], null, 0.5, out _);

        Assert.Empty(reasons);
    }

    [Fact]
    public void Dissonance_reason_uses_the_policys_threshold()
    {
        var strict = s_policy with { MaxDissonance = 0.2 };

        Assert.Equal([GateReasons.DissonanceTooHigh], SafetyRules.Evaluate(s_task, s_statistics, strict, [2f, 10f], null, 0.3, out _));
    }

    [Fact]
    public void A_feature_beyond_ood_z_max_is_out_of_distribution()
    {
        // Feature b at 23: |23 − 10| / 2 = 6.5 > 6.
        var reasons = SafetyRules.Evaluate(s_task, s_statistics, s_policy, [2f, 23f], null, 0.3, out var maxZ);

        Assert.Equal([GateReasons.OutOfDistribution], reasons);
        Assert.Equal(6.5, maxZ, 1e-9);
    }

    [Fact]
    public void A_z_score_equal_to_ood_z_max_is_in_distribution()
    {
        // Feature a at −4: |−4 − 2| / 1 = 6, not above 6.
        var reasons = SafetyRules.Evaluate(s_task, s_statistics, s_policy, [-4f, 10f], null, 0.3, out var maxZ);

        Assert.Empty(reasons);
        Assert.Equal(6.0, maxZ, 1e-9);
    }

    [Fact]
    public void The_largest_z_score_over_features_is_reported()
    {
        // a: |5 − 2| / 1 = 3; b: |2 − 10| / 2 = 4.
        SafetyRules.Evaluate(s_task, s_statistics, s_policy, [5f, 2f], null, 0.3, out var maxZ);

        Assert.Equal(4.0, maxZ, 1e-9);
    }

    [Fact]
    public void Without_statistics_no_input_is_out_of_distribution()
    {
        var reasons = SafetyRules.Evaluate(s_task, null, s_policy, [1e6f, -1e6f], null, 0.3, out var maxZ);

        Assert.Empty(reasons);
        Assert.Equal(0.0, maxZ);
    }

    [Fact]
    public void A_constant_feature_at_its_training_value_is_in_distribution()
    {
        var statistics = FeatureStatisticsCalculator.Compute([[0.1f, 8f], [0.1f, 12f], [0.1f, 10f]]);

        var reasons = SafetyRules.Evaluate(s_task, statistics, s_policy, [0.1f, 10f], null, 0.3, out var maxZ);

        Assert.Empty(reasons);
        Assert.Equal(0.0, maxZ);
    }

    [Fact]
    public void A_constant_feature_at_any_other_value_is_out_of_distribution()
    {
        var statistics = FeatureStatisticsCalculator.Compute([[5f, 8f], [5f, 12f]]);

        var reasons = SafetyRules.Evaluate(s_task, statistics, s_policy, [5.01f, 10f], null, 0.3, out var maxZ);

        Assert.Equal([GateReasons.OutOfDistribution], reasons);
        Assert.True(maxZ > s_policy.OodZMax);
    }

    [Fact]
    public void A_label_that_is_not_a_task_class_is_invalid()
    {
        var reasons = SafetyRules.Evaluate(s_task, s_statistics, s_policy, [2f, 10f], "daisy", 0.3, out _);

        Assert.Equal([GateReasons.InvalidLabel], reasons);
    }

    [Fact]
    public void Labels_are_matched_case_sensitively()
    {
        var reasons = SafetyRules.Evaluate(s_task, s_statistics, s_policy, [2f, 10f], "Setosa", 0.3, out _);

        Assert.Equal([GateReasons.InvalidLabel], reasons);
    }

    [Theory]
    [InlineData("setosa")]
    [InlineData("virginica")]
    public void A_label_of_the_task_is_valid(string label)
    {
        Assert.Empty(SafetyRules.Evaluate(s_task, s_statistics, s_policy, [2f, 10f], label, 0.3, out _));
    }

    [Fact]
    public void Several_rules_can_fail_together()
    {
        var reasons = SafetyRules.Evaluate(s_task, s_statistics, s_policy, [2f, 40f], null, 0.9, out _);

        Assert.Equal([GateReasons.DissonanceTooHigh, GateReasons.OutOfDistribution], reasons.Order(StringComparer.Ordinal));
    }

    [Fact]
    public void A_labeled_episode_answers_only_to_the_label_check()
    {
        // Far out of distribution and at the highest dissonance: ground truth is still learned.
        Assert.Empty(SafetyRules.Evaluate(s_task, s_statistics, s_policy, [2f, 40f], "setosa", 0.9, out var maxZ));
        Assert.Equal(15.0, maxZ, 1e-9);
        Assert.Equal([GateReasons.InvalidLabel], SafetyRules.Evaluate(s_task, s_statistics, s_policy, [2f, 40f], "daisy", 0.9, out _));
    }

    [Fact]
    public void The_stateless_rules_never_report_budget_exhausted()
    {
        var reasons = SafetyRules.Evaluate(s_task, s_statistics, s_policy with { DBudgetPerHour = 0 }, [2f, 10f], null, 0.3, out _);

        Assert.DoesNotContain(GateReasons.BudgetExhausted, reasons);
    }

    [Theory]
    [InlineData(0.13, true)]
    [InlineData(0.5, true)]
    [InlineData(0.12, false)]
    [InlineData(0.05, false)]
    public void Only_unlabeled_dissonance_above_the_target_spends_budget(double d, bool spends)
    {
        Assert.Equal(spends, SafetyRules.SpendsBudget(s_policy, d, label: null));
        Assert.False(SafetyRules.SpendsBudget(s_policy, d, label: "setosa"));
    }

    [Fact]
    public void Gate_reason_codes_are_the_briefs()
    {
        Assert.Equal(
            ["budget_exhausted", "dissonance_too_high", "invalid_label", "out_of_distribution"],
            GateReasons.All.Order(StringComparer.Ordinal));
    }
}
