using System.Collections.Immutable;

namespace SelfDissonance.Tasks;

public static class FeatureStatisticsCalculator
{
    /// <summary>Mean, population standard deviation, min and max per feature (Welford's algorithm).</summary>
    public static FeatureStatistics Compute(IEnumerable<float[]> rows)
    {
        double[]? mean = null, m2 = null, min = null, max = null;
        long n = 0;
        foreach (var row in rows)
        {
            if (mean is null)
            {
                mean = new double[row.Length];
                m2 = new double[row.Length];
                min = Enumerable.Repeat(double.PositiveInfinity, row.Length).ToArray();
                max = Enumerable.Repeat(double.NegativeInfinity, row.Length).ToArray();
            }

            n++;
            for (var i = 0; i < row.Length; i++)
            {
                double x = row[i];
                var delta = x - mean[i];
                mean[i] += delta / n;
                m2![i] += delta * (x - mean[i]);
                min![i] = Math.Min(min[i], x);
                max![i] = Math.Max(max[i], x);
            }
        }

        if (mean is null)
        {
            return new FeatureStatistics([], [], [], [], 0);
        }

        var std = m2!.Select(v => Math.Sqrt(v / n)).ToImmutableArray();
        return new FeatureStatistics([.. mean], std, [.. min!], [.. max!], n);
    }
}
