using SelfDissonance.Learning.Ml;

namespace SelfDissonance.Grains.Tests.Ml;

public sealed class ModelPredictorNormalizeTests
{
    [Fact]
    public void Scores_are_scaled_to_sum_to_one()
    {
        var p = new double[3];

        ModelPredictor.Normalize([1f, 2f, 1f], p);

        Assert.Equal([0.25, 0.5, 0.25], p);
    }

    [Fact]
    public void Missing_trailing_classes_get_probability_zero()
    {
        var p = new double[3];

        ModelPredictor.Normalize([0.2f, 0.6f], p);

        Assert.Equal(0.25, p[0], 1e-7);
        Assert.Equal(0.75, p[1], 1e-7);
        Assert.Equal(0.0, p[2]);
    }

    [Fact]
    public void Negative_and_non_finite_scores_count_as_zero()
    {
        var p = new double[4];

        ModelPredictor.Normalize([-1f, float.NaN, float.PositiveInfinity, 2f], p);

        Assert.Equal([0.0, 0.0, 0.0, 1.0], p);
    }

    [Fact]
    public void All_zero_scores_become_uniform()
    {
        var p = new double[4];

        ModelPredictor.Normalize([0f, 0f, 0f, 0f], p);

        Assert.Equal([0.25, 0.25, 0.25, 0.25], p);
    }
}
