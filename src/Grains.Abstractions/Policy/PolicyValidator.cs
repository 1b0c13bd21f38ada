using System.Collections.Immutable;
using System.Globalization;

namespace SelfDissonance.Policy;

/// <summary>Range checks for every policy field; a rejected update names each field and its allowed range.</summary>
public static class PolicyValidator
{
    private static readonly (string Field, Func<TaskPolicy, double> Value, double Min, double Max, bool MinExclusive)[] s_ranges =
    [
        ("dTarget", p => p.DTarget, 0, 1, false),
        ("maxDissonance", p => p.MaxDissonance, 0, 1, true),
        ("lambda", p => p.Lambda, 0, 10, false),
        ("lambdaMax", p => p.LambdaMax, 0, 10, false),
        ("klEps", p => p.KlEps, 0, 10, false),
        ("dBudgetPerHour", p => p.DBudgetPerHour, 0, 10_000_000, false),
        ("minBatch", p => p.MinBatch, 1, 1_000_000, false),
        ("goldenTolerance", p => p.GoldenTolerance, 0, 1, false),
        ("canaryFraction", p => p.CanaryFraction, 0, 0.5, false),
        ("rollbackDrop", p => p.RollbackDrop, 0, 1, false),
        ("oodZMax", p => p.OodZMax, 0, 1000, true),
        ("eta", p => p.Eta, 0, 10, false),
        ("dBudgetShare", p => p.DBudgetShare, 0, 1, false),
    ];

    public static ImmutableArray<FieldError> Validate(TaskPolicy policy)
    {
        var errors = ImmutableArray.CreateBuilder<FieldError>();
        foreach (var (field, value, min, max, minExclusive) in s_ranges)
        {
            var v = value(policy);
            var range = string.Create(CultureInfo.InvariantCulture, $"{(minExclusive ? "(" : "[")}{min}, {max}]");
            if (!double.IsFinite(v) || v > max || v < min || (minExclusive && v <= min))
            {
                errors.Add(new FieldError(field, string.Create(CultureInfo.InvariantCulture, $"{field} = {v} is outside {range}."), range));
            }
        }

        if (errors.Count == 0 && policy.MaxDissonance <= policy.DTarget)
        {
            errors.Add(new FieldError("maxDissonance", "maxDissonance must be greater than dTarget, or no pseudo-labeled episode could ever be learned.", "(dTarget, 1]"));
        }

        if (errors.Count == 0 && policy.Lambda > policy.LambdaMax)
        {
            errors.Add(new FieldError("lambda", "lambda must not exceed lambdaMax.", "[0, lambdaMax]"));
        }

        return errors.ToImmutable();
    }

    public static void ThrowIfInvalid(TaskPolicy policy)
    {
        var errors = Validate(policy);
        if (!errors.IsEmpty)
        {
            throw DomainException.BadRequest(
                ReasonCodes.InvalidPolicy,
                "The policy has fields outside their allowed ranges.",
                string.Join(" ", errors.Select(e => e.Message)),
                errors);
        }
    }
}
