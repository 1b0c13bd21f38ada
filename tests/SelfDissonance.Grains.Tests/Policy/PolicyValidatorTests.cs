using System.Globalization;
using SelfDissonance.Policy;

namespace SelfDissonance.Grains.Tests.Policy;

public sealed class PolicyValidatorTests
{
    public static TheoryData<string, double> OutOfRange => new()
    {
        { "dTarget", -0.01 },
        { "dTarget", 1.01 },
        { "maxDissonance", 0 },
        { "maxDissonance", -0.5 },
        { "maxDissonance", 1.01 },
        { "lambda", -0.01 },
        { "lambda", 11 },
        { "lambdaMax", -0.01 },
        { "lambdaMax", 11 },
        { "klEps", -0.01 },
        { "klEps", 11 },
        { "dBudgetPerHour", -1 },
        { "dBudgetPerHour", 10_000_001 },
        { "minBatch", 0 },
        { "minBatch", 1_000_001 },
        { "goldenTolerance", -0.01 },
        { "goldenTolerance", 1.01 },
        { "canaryFraction", -0.01 },
        { "canaryFraction", 0.51 },
        { "rollbackDrop", -0.01 },
        { "rollbackDrop", 1.01 },
        { "oodZMax", 0 },
        { "oodZMax", 1001 },
        { "eta", -0.01 },
        { "eta", 11 },
    };

    public static TheoryData<string> DoubleFields =>
        ["dTarget", "maxDissonance", "lambda", "lambdaMax", "klEps", "goldenTolerance", "canaryFraction", "rollbackDrop", "oodZMax", "eta"];

    [Fact]
    public void Defaults_are_the_briefs_table()
    {
        var p = TaskPolicy.Default;

        Assert.Equal(0.12, p.DTarget);
        Assert.Equal(0.5, p.MaxDissonance);
        Assert.Equal(0.0, p.Lambda);
        Assert.Equal(0.05, p.LambdaMax);
        Assert.Equal(0.02, p.KlEps);
        Assert.Equal(100, p.DBudgetPerHour);
        Assert.Equal(64, p.MinBatch);
        Assert.Equal(0.005, p.GoldenTolerance);
        Assert.Equal(0.0, p.CanaryFraction);
        Assert.Equal(0.015, p.RollbackDrop);
        Assert.Equal(6.0, p.OodZMax);
        Assert.Equal(0.5, p.Eta);
    }

    [Fact]
    public void Defaults_are_valid()
    {
        Assert.Empty(PolicyValidator.Validate(TaskPolicy.Default));
        PolicyValidator.ThrowIfInvalid(TaskPolicy.Default);
    }

    [Theory]
    [MemberData(nameof(OutOfRange))]
    public void An_out_of_range_field_is_refused_naming_the_field_and_its_allowed_range(string field, double value)
    {
        var errors = PolicyValidator.Validate(With(TaskPolicy.Default, field, value));

        var error = Assert.Single(errors);
        Assert.Equal(field, error.Field);
        Assert.Contains(field, error.Message, StringComparison.Ordinal);
        Assert.NotNull(error.Allowed);
        var (min, minExclusive, max) = ParseRange(error.Allowed);
        Assert.False(Contains(min, minExclusive, max, value), $"{value} lies inside the announced range {error.Allowed}");
        Assert.True(Contains(min, minExclusive, max, Get(TaskPolicy.Default, field)), $"the default lies outside the announced range {error.Allowed}");
    }

    [Theory]
    [MemberData(nameof(DoubleFields))]
    public void Nan_is_refused(string field)
    {
        var error = Assert.Single(PolicyValidator.Validate(With(TaskPolicy.Default, field, double.NaN)));

        Assert.Equal(field, error.Field);
    }

    [Theory]
    [MemberData(nameof(DoubleFields))]
    public void Infinity_is_refused(string field)
    {
        var error = Assert.Single(PolicyValidator.Validate(With(TaskPolicy.Default, field, double.PositiveInfinity)));

        Assert.Equal(field, error.Field);
    }

    [Fact]
    public void Every_out_of_range_field_is_reported_at_once()
    {
        var policy = TaskPolicy.Default with { DTarget = -1, KlEps = -1, MinBatch = 0 };

        var fields = PolicyValidator.Validate(policy).Select(e => e.Field).Order(StringComparer.Ordinal);

        Assert.Equal(["dTarget", "klEps", "minBatch"], fields);
    }

    [Theory]
    [InlineData(0.3, 0.3)]
    [InlineData(0.3, 0.2)]
    public void Max_dissonance_not_above_the_target_is_refused(double dTarget, double maxDissonance)
    {
        var policy = TaskPolicy.Default with { DTarget = dTarget, MaxDissonance = maxDissonance };

        var error = Assert.Single(PolicyValidator.Validate(policy));

        Assert.Equal("maxDissonance", error.Field);
    }

    [Fact]
    public void Max_dissonance_just_above_the_target_is_accepted()
    {
        Assert.Empty(PolicyValidator.Validate(TaskPolicy.Default with { DTarget = 0.3, MaxDissonance = 0.31 }));
    }

    [Fact]
    public void Lambda_above_lambda_max_is_refused()
    {
        var error = Assert.Single(PolicyValidator.Validate(TaskPolicy.Default with { Lambda = 0.06, LambdaMax = 0.05 }));

        Assert.Equal("lambda", error.Field);
    }

    [Fact]
    public void Lambda_equal_to_lambda_max_is_accepted()
    {
        Assert.Empty(PolicyValidator.Validate(TaskPolicy.Default with { Lambda = 0.05, LambdaMax = 0.05 }));
    }

    [Fact]
    public void Boundary_values_that_the_ranges_include_are_accepted()
    {
        var policy = TaskPolicy.Default with
        {
            DTarget = 0,
            MaxDissonance = 1,
            Lambda = 0,
            LambdaMax = 0,
            KlEps = 0,
            DBudgetPerHour = 0,
            MinBatch = 1,
            GoldenTolerance = 1,
            CanaryFraction = 0.5,
            RollbackDrop = 0,
            Eta = 0,
        };

        Assert.Empty(PolicyValidator.Validate(policy));
    }

    [Fact]
    public void Throw_if_invalid_raises_a_bad_request_with_the_field_errors()
    {
        var policy = TaskPolicy.Default with { CanaryFraction = 0.9 };

        var ex = Assert.Throws<DomainException>(() => PolicyValidator.ThrowIfInvalid(policy));

        Assert.Equal(400, ex.Status);
        Assert.Equal(ReasonCodes.InvalidPolicy, ex.Reason);
        Assert.Equal("canaryFraction", Assert.Single(ex.Errors).Field);
    }

    private static TaskPolicy With(TaskPolicy p, string field, double v) => field switch
    {
        "dTarget" => p with { DTarget = v },
        "maxDissonance" => p with { MaxDissonance = v },
        "lambda" => p with { Lambda = v },
        "lambdaMax" => p with { LambdaMax = v },
        "klEps" => p with { KlEps = v },
        "dBudgetPerHour" => p with { DBudgetPerHour = checked((int)v) },
        "minBatch" => p with { MinBatch = checked((int)v) },
        "goldenTolerance" => p with { GoldenTolerance = v },
        "canaryFraction" => p with { CanaryFraction = v },
        "rollbackDrop" => p with { RollbackDrop = v },
        "oodZMax" => p with { OodZMax = v },
        "eta" => p with { Eta = v },
        _ => throw new ArgumentOutOfRangeException(nameof(field), field, null),
    };

    private static double Get(TaskPolicy p, string field) => field switch
    {
        "dTarget" => p.DTarget,
        "maxDissonance" => p.MaxDissonance,
        "lambda" => p.Lambda,
        "lambdaMax" => p.LambdaMax,
        "klEps" => p.KlEps,
        "dBudgetPerHour" => p.DBudgetPerHour,
        "minBatch" => p.MinBatch,
        "goldenTolerance" => p.GoldenTolerance,
        "canaryFraction" => p.CanaryFraction,
        "rollbackDrop" => p.RollbackDrop,
        "oodZMax" => p.OodZMax,
        "eta" => p.Eta,
        _ => throw new ArgumentOutOfRangeException(nameof(field), field, null),
    };

    /// <summary>Reads an interval written "[min, max]" or "(min, max]".</summary>
    private static (double Min, bool MinExclusive, double Max) ParseRange(string range)
    {
        Assert.Matches(@"^[\[(][^,]+, [^\]]+\]$", range);
        var parts = range[1..^1].Split(", ");
        return (double.Parse(parts[0], CultureInfo.InvariantCulture), range[0] == '(', double.Parse(parts[1], CultureInfo.InvariantCulture));
    }

    private static bool Contains(double min, bool minExclusive, double max, double v) =>
        (minExclusive ? v > min : v >= min) && v <= max;
}
