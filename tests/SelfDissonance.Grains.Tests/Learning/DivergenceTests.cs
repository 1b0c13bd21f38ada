using SelfDissonance.Learning;

namespace SelfDissonance.Grains.Tests.Learning;

public sealed class DivergenceTests
{
    private const double Tolerance = 1e-12;

    [Fact]
    public void Total_variation_of_identical_distributions_is_zero()
    {
        double[] p = [0.2, 0.5, 0.3];

        Assert.Equal(0.0, Divergence.TotalVariation(p, [0.2, 0.5, 0.3]), Tolerance);
    }

    [Fact]
    public void Total_variation_of_disjoint_distributions_is_one()
    {
        Assert.Equal(1.0, Divergence.TotalVariation([1, 0, 0], [0, 0.4, 0.6]), Tolerance);
        Assert.Equal(1.0, Divergence.TotalVariation([0, 1], [1, 0]), Tolerance);
    }

    [Fact]
    public void Total_variation_of_three_classes_is_half_the_l1_distance()
    {
        // ½ (|0.5 − 0.2| + |0.3 − 0.3| + |0.2 − 0.5|) = ½ · 0.6
        Assert.Equal(0.3, Divergence.TotalVariation([0.5, 0.3, 0.2], [0.2, 0.3, 0.5]), Tolerance);
    }

    [Theory]
    [InlineData(0.9, 0.4)]
    [InlineData(0.1, 0.75)]
    [InlineData(0.5, 0.5)]
    [InlineData(0.0, 1.0)]
    [InlineData(0.33, 0.34)]
    public void Total_variation_of_two_classes_equals_the_proof_of_concepts_absolute_difference(double p0, double q0)
    {
        var d = Divergence.TotalVariation([p0, 1 - p0], [q0, 1 - q0]);

        Assert.Equal(Math.Abs(p0 - q0), d, Tolerance);
    }

    [Fact]
    public void Total_variation_is_symmetric_and_within_zero_and_one()
    {
        var random = new Random(11);
        for (var i = 0; i < 200; i++)
        {
            var p = RandomDistribution(random, 4);
            var q = RandomDistribution(random, 4);

            var pq = Divergence.TotalVariation(p, q);

            Assert.Equal(pq, Divergence.TotalVariation(q, p), Tolerance);
            Assert.InRange(pq, 0.0, 1.0);
        }
    }

    [Fact]
    public void Total_variation_refuses_distributions_of_different_lengths()
    {
        Assert.Throws<ArgumentException>(() => Divergence.TotalVariation([0.5, 0.5], [0.2, 0.3, 0.5]));
    }

    [Fact]
    public void Total_variation_refuses_empty_distributions()
    {
        Assert.Throws<ArgumentException>(() => Divergence.TotalVariation([], []));
    }

    [Fact]
    public void Jensen_shannon_of_identical_distributions_is_zero()
    {
        Assert.Equal(0.0, Divergence.JensenShannon([0.1, 0.6, 0.3], [0.1, 0.6, 0.3]), Tolerance);
    }

    [Fact]
    public void Jensen_shannon_of_disjoint_one_hots_is_one_bit()
    {
        Assert.Equal(1.0, Divergence.JensenShannon([1, 0], [0, 1]), Tolerance);
        Assert.Equal(1.0, Divergence.JensenShannon([0, 0, 1], [1, 0, 0]), Tolerance);
    }

    [Fact]
    public void Jensen_shannon_matches_the_definition_in_bits()
    {
        // p = (1, 0), q = (½, ½), m = (¾, ¼):
        // KL(p‖m) = log2(1 / ¾); KL(q‖m) = ½ log2(½ / ¾) + ½ log2(½ / ¼); JS = ½ KL(p‖m) + ½ KL(q‖m).
        var klPm = Math.Log2(1 / 0.75);
        var klQm = (0.5 * Math.Log2(0.5 / 0.75)) + (0.5 * Math.Log2(0.5 / 0.25));
        var expected = (0.5 * klPm) + (0.5 * klQm);

        Assert.Equal(expected, Divergence.JensenShannon([1, 0], [0.5, 0.5]), Tolerance);
    }

    [Fact]
    public void Jensen_shannon_is_symmetric_and_bounded_by_one_bit()
    {
        var random = new Random(5);
        for (var i = 0; i < 200; i++)
        {
            var p = RandomDistribution(random, 3);
            var q = RandomDistribution(random, 3);

            var pq = Divergence.JensenShannon(p, q);

            Assert.Equal(pq, Divergence.JensenShannon(q, p), Tolerance);
            Assert.InRange(pq, 0.0, 1.0);
        }
    }

    [Fact]
    public void Clipped_kl_of_identical_distributions_is_zero()
    {
        Assert.Equal(0.0, Divergence.KlClipped([0.25, 0.75], [0.25, 0.75]), Tolerance);
        Assert.Equal(0.0, Divergence.KlClipped([1, 0], [1, 0]), Tolerance);
    }

    [Fact]
    public void Clipped_kl_with_a_zero_in_the_new_distribution_is_finite_and_matches_the_hand_computation()
    {
        const double Eps = 1e-6;

        var kl = Divergence.KlClipped([0.5, 0.5], [1, 0]);

        // Both distributions clipped to [1e-6, 1 − 1e-6]: q becomes (1 − 1e-6, 1e-6).
        var expected = (0.5 * Math.Log(0.5 / (1 - Eps))) + (0.5 * Math.Log(0.5 / Eps));
        Assert.True(double.IsFinite(kl));
        Assert.Equal(expected, kl, 1e-9);
    }

    [Fact]
    public void Clipped_kl_of_opposite_one_hots_is_bounded_by_the_clip()
    {
        const double Eps = 1e-6;

        var kl = Divergence.KlClipped([1, 0], [0, 1]);

        var expected = ((1 - Eps) * Math.Log((1 - Eps) / Eps)) + (Eps * Math.Log(Eps / (1 - Eps)));
        Assert.Equal(expected, kl, 1e-9);
    }

    [Fact]
    public void Clipped_kl_is_in_nats_and_not_symmetric()
    {
        double[] p = [0.9, 0.1];
        double[] q = [0.6, 0.4];

        var expected = (0.9 * Math.Log(0.9 / 0.6)) + (0.1 * Math.Log(0.1 / 0.4));

        Assert.Equal(expected, Divergence.KlClipped(p, q), Tolerance);
        Assert.NotEqual(Divergence.KlClipped(p, q), Divergence.KlClipped(q, p), 1e-6);
    }

    [Fact]
    public void Mean_kl_is_the_average_of_the_row_divergences()
    {
        double[][] oldRows = [[0.9, 0.1], [0.5, 0.5], [0.2, 0.8]];
        double[][] newRows = [[0.6, 0.4], [0.5, 0.5], [0.4, 0.6]];

        var kl0 = (0.9 * Math.Log(0.9 / 0.6)) + (0.1 * Math.Log(0.1 / 0.4));
        var kl2 = (0.2 * Math.Log(0.2 / 0.4)) + (0.8 * Math.Log(0.8 / 0.6));

        Assert.Equal((kl0 + 0 + kl2) / 3, Divergence.MeanKl(oldRows, newRows), Tolerance);
    }

    [Fact]
    public void Mean_kl_is_taken_old_against_new()
    {
        double[][] oldRows = [[0.9, 0.1]];
        double[][] newRows = [[0.6, 0.4]];

        Assert.Equal(Divergence.KlClipped(oldRows[0], newRows[0]), Divergence.MeanKl(oldRows, newRows), Tolerance);
    }

    [Fact]
    public void Mean_kl_over_no_rows_is_zero()
    {
        Assert.Equal(0.0, Divergence.MeanKl([], []));
    }

    [Fact]
    public void Mean_kl_refuses_reference_sets_of_different_sizes()
    {
        Assert.Throws<ArgumentException>(() => Divergence.MeanKl([[0.5, 0.5]], []));
    }

    [Theory]
    [InlineData(new[] { 0.1, 0.7, 0.2 }, 1)]
    [InlineData(new[] { 0.6, 0.4 }, 0)]
    [InlineData(new[] { 0.1, 0.2, 0.3, 0.4 }, 3)]
    public void Arg_max_is_the_index_of_the_largest_probability(double[] p, int expected)
    {
        Assert.Equal(expected, Divergence.ArgMax(p));
    }

    [Fact]
    public void Arg_max_breaks_ties_towards_the_lower_index()
    {
        Assert.Equal(1, Divergence.ArgMax([0.2, 0.4, 0.4]));
        Assert.Equal(0, Divergence.ArgMax([0.5, 0.5]));
    }

    private static double[] RandomDistribution(Random random, int length)
    {
        var p = new double[length];
        var sum = 0.0;
        for (var i = 0; i < length; i++)
        {
            // Some exact zeros, so disjoint supports are covered too.
            p[i] = random.Next(4) == 0 ? 0 : random.NextDouble();
            sum += p[i];
        }

        if (sum == 0)
        {
            p[random.Next(length)] = 1;
            return p;
        }

        for (var i = 0; i < length; i++)
        {
            p[i] /= sum;
        }

        return p;
    }
}
