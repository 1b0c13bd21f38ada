namespace SelfDissonance.Learning;

/// <summary>Example weights of BRIEF §4: Loss = Loss_primary + λ · max(0, d − D_target)².</summary>
public static class RowWeights
{
    /// <summary>Ground-truth rows (bootstrap, labeled episodes, feedback).</summary>
    public const float Labeled = 1f;

    /// <summary>Weight of an unlabeled episode's pseudo-label (the critic's top class): λ · (d − D_target)² when d &gt; D_target, else 0.</summary>
    public static double PseudoLabel(double lambda, double dissonance, double dTarget)
    {
        if (dissonance <= dTarget || lambda <= 0)
        {
            return 0;
        }

        var excess = dissonance - dTarget;
        return lambda * excess * excess;
    }
}
