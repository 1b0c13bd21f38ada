namespace SelfDissonance.Policy;

/// <summary>The meta-controller's λ step after each learning cycle: λ ← clamp(λ + η·(mean d − D_target), 0, λ_max).</summary>
public static class LambdaController
{
    public static double Next(double lambda, double meanDissonance, double dTarget, double eta, double lambdaMax) =>
        Math.Clamp(lambda + (eta * (meanDissonance - dTarget)), 0.0, Math.Max(0.0, lambdaMax));
}
