using SelfDissonance.Tasks;

namespace SelfDissonance.Grains.Tests.Tasks;

public sealed class FeatureStatisticsCalculatorTests
{
    [Fact]
    public void Mean_population_std_min_and_max_per_feature()
    {
        // Feature 0: 2, 4, 4, 4, 5, 5, 7, 9 → mean 5, population variance 4, std 2.
        float[][] rows = [[2, 0], [4, 1], [4, 0], [4, 1], [5, 0], [5, 1], [7, 0], [9, 1]];

        var s = FeatureStatisticsCalculator.Compute(rows);

        Assert.Equal(8, s.Rows);
        Assert.Equal(5.0, s.Mean[0], 1e-12);
        Assert.Equal(2.0, s.StdDev[0], 1e-12);
        Assert.Equal(2.0, s.Min[0]);
        Assert.Equal(9.0, s.Max[0]);
        Assert.Equal(0.5, s.Mean[1], 1e-12);
        Assert.Equal(0.5, s.StdDev[1], 1e-12);
    }

    [Fact]
    public void No_rows_give_empty_statistics()
    {
        var s = FeatureStatisticsCalculator.Compute([]);

        Assert.Equal(0, s.Rows);
        Assert.Empty(s.Mean);
    }
}
