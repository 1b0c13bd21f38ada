namespace SelfDissonance.Learning;

/// <summary>Distances between class distributions (BRIEF §1 and §4).</summary>
public static class Divergence
{
    /// <summary>Probabilities are clipped to [ClipMin, 1 − ClipMin] before logarithms (BRIEF §4).</summary>
    public const double ClipMin = 1e-6;

    /// <summary>Total variation distance d = ½ Σ|p_i − q_i| ∈ [0, 1]: the dissonance.</summary>
    public static double TotalVariation(ReadOnlySpan<double> p, ReadOnlySpan<double> q)
    {
        CheckLengths(p, q);
        var sum = 0.0;
        for (var i = 0; i < p.Length; i++)
        {
            sum += Math.Abs(p[i] - q[i]);
        }

        return Math.Clamp(0.5 * sum, 0.0, 1.0);
    }

    /// <summary>Jensen–Shannon divergence in bits, so it lies in [0, 1]: ½ KL(p ‖ m) + ½ KL(q ‖ m), m = ½(p + q).</summary>
    public static double JensenShannon(ReadOnlySpan<double> p, ReadOnlySpan<double> q)
    {
        CheckLengths(p, q);
        var sum = 0.0;
        for (var i = 0; i < p.Length; i++)
        {
            var m = 0.5 * (p[i] + q[i]);
            if (p[i] > 0)
            {
                sum += 0.5 * p[i] * Math.Log2(p[i] / m);
            }

            if (q[i] > 0)
            {
                sum += 0.5 * q[i] * Math.Log2(q[i] / m);
            }
        }

        return Math.Clamp(sum, 0.0, 1.0);
    }

    /// <summary>KL(p ‖ q) in nats with both distributions clipped to [1e-6, 1 − 1e-6].</summary>
    public static double KlClipped(ReadOnlySpan<double> p, ReadOnlySpan<double> q)
    {
        CheckLengths(p, q);
        var sum = 0.0;
        for (var i = 0; i < p.Length; i++)
        {
            var a = Math.Clamp(p[i], ClipMin, 1 - ClipMin);
            var b = Math.Clamp(q[i], ClipMin, 1 - ClipMin);
            sum += a * Math.Log(a / b);
        }

        return sum;
    }

    /// <summary>Mean clipped KL(old ‖ new) over a reference set: the trust-region statistic.</summary>
    public static double MeanKl(IReadOnlyList<double[]> oldProbabilities, IReadOnlyList<double[]> newProbabilities)
    {
        if (oldProbabilities.Count != newProbabilities.Count)
        {
            throw new ArgumentException("Both models must be scored on the same reference rows.");
        }

        if (oldProbabilities.Count == 0)
        {
            return 0;
        }

        var sum = 0.0;
        for (var i = 0; i < oldProbabilities.Count; i++)
        {
            sum += KlClipped(oldProbabilities[i], newProbabilities[i]);
        }

        return sum / oldProbabilities.Count;
    }

    /// <summary>Index of the largest probability; ties go to the lower index so results are deterministic.</summary>
    public static int ArgMax(ReadOnlySpan<double> p)
    {
        var best = 0;
        for (var i = 1; i < p.Length; i++)
        {
            if (p[i] > p[best])
            {
                best = i;
            }
        }

        return best;
    }

    private static void CheckLengths(ReadOnlySpan<double> p, ReadOnlySpan<double> q)
    {
        if (p.Length != q.Length || p.Length == 0)
        {
            throw new ArgumentException($"Distributions must have the same, non-zero length (got {p.Length} and {q.Length}).");
        }
    }
}
