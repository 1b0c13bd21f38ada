using System.Collections.Immutable;
using SelfDissonance.Policy;
using SelfDissonance.Tasks;

namespace SelfDissonance.Safety;

/// <summary>
/// The gate's stateless rules (BRIEF §4). An episode that carries a label is ground truth: it answers only to the label
/// check here (and to the learner's label-noise guard), never to maxDissonance, the out-of-distribution check or the
/// budget, which exist to limit pseudo-labels from unlabeled episodes, where self-training can run away. Learning the
/// new concept after a drift depends on exactly those labeled rows of high dissonance. The budget rule needs the
/// meta-controller and is applied by the gate grain only to unlabeled episodes that pass these rules with d above D_target.
/// </summary>
public static class SafetyRules
{
    /// <summary>A standard deviation below this is treated as a constant feature.</summary>
    private const double MinStdDev = 1e-9;

    public static ImmutableArray<string> Evaluate(
        TaskDefinition task,
        FeatureStatistics? statistics,
        TaskPolicy policy,
        ReadOnlySpan<float> features,
        string? label,
        double dissonance,
        out double maxZ)
    {
        var reasons = ImmutableArray.CreateBuilder<string>(2);
        maxZ = MaxZScore(statistics, features);
        if (label is not null)
        {
            if (task.ClassIndex(label) < 0)
            {
                reasons.Add(GateReasons.InvalidLabel);
            }

            return reasons.ToImmutable();
        }

        if (dissonance > policy.MaxDissonance)
        {
            reasons.Add(GateReasons.DissonanceTooHigh);
        }

        if (maxZ > policy.OodZMax)
        {
            reasons.Add(GateReasons.OutOfDistribution);
        }

        return reasons.ToImmutable();
    }

    /// <summary>Whether the budget applies: only unlabeled learnable episodes with d above D_target spend it.</summary>
    public static bool SpendsBudget(TaskPolicy policy, double dissonance, string? label) => label is null && dissonance > policy.DTarget;

    /// <summary>The largest |x − mean| / std over features; a differing value of a constant feature is infinitely far.</summary>
    public static double MaxZScore(FeatureStatistics? statistics, ReadOnlySpan<float> features)
    {
        if (statistics is null)
        {
            return 0;
        }

        var max = 0.0;
        for (var i = 0; i < features.Length && i < statistics.Mean.Length; i++)
        {
            var deviation = Math.Abs(features[i] - statistics.Mean[i]);
            var std = statistics.StdDev[i];
            double z;
            if (std < MinStdDev)
            {
                z = deviation <= MinStdDev * Math.Max(1, Math.Abs(statistics.Mean[i])) ? 0 : double.PositiveInfinity;
            }
            else
            {
                z = deviation / std;
            }

            if (z > max)
            {
                max = z;
            }
        }

        return max;
    }
}
