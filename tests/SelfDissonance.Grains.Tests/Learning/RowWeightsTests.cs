using SelfDissonance.Learning;

namespace SelfDissonance.Grains.Tests.Learning;

public sealed class RowWeightsTests
{
    [Fact]
    public void Labeled_rows_weigh_one()
    {
        Assert.Equal(1f, RowWeights.Labeled);
    }

    [Theory]
    [InlineData(0.05, 0.32, 0.12)]
    [InlineData(0.02, 0.5, 0.12)]
    [InlineData(1.0, 0.13, 0.12)]
    [InlineData(0.5, 1.0, 0.0)]
    public void Pseudo_label_weight_above_the_target_is_lambda_times_the_squared_excess(double lambda, double d, double dTarget)
    {
        var excess = d - dTarget;

        Assert.Equal(lambda * excess * excess, RowWeights.PseudoLabel(lambda, d, dTarget), 1e-15);
    }

    [Fact]
    public void Pseudo_label_weight_of_a_worked_example()
    {
        // λ = 0.05, d = 0.32, D_target = 0.12: 0.05 · 0.2² = 0.002.
        Assert.Equal(0.002, RowWeights.PseudoLabel(0.05, 0.32, 0.12), 1e-12);
    }

    [Fact]
    public void Pseudo_label_weight_at_the_target_is_zero()
    {
        Assert.Equal(0.0, RowWeights.PseudoLabel(0.05, 0.12, 0.12));
    }

    [Theory]
    [InlineData(0.11)]
    [InlineData(0.0)]
    public void Pseudo_label_weight_below_the_target_is_zero_not_the_squared_distance(double d)
    {
        Assert.Equal(0.0, RowWeights.PseudoLabel(0.05, d, 0.12));
    }

    [Fact]
    public void Pseudo_label_weight_with_lambda_zero_is_zero()
    {
        Assert.Equal(0.0, RowWeights.PseudoLabel(0, 0.9, 0.12));
    }

    [Fact]
    public void Pseudo_label_weight_grows_with_dissonance()
    {
        var low = RowWeights.PseudoLabel(0.05, 0.2, 0.12);
        var high = RowWeights.PseudoLabel(0.05, 0.4, 0.12);

        Assert.True(high > low, $"{high} should exceed {low}");
    }
}
