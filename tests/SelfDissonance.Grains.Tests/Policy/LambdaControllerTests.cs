using SelfDissonance.Policy;

namespace SelfDissonance.Grains.Tests.Policy;

public sealed class LambdaControllerTests
{
    private const double Tolerance = 1e-12;

    [Fact]
    public void Lambda_moves_up_by_eta_times_the_excess_when_mean_dissonance_is_above_the_target()
    {
        // 0.01 + 0.1 · (0.2 − 0.12) = 0.018
        Assert.Equal(0.018, LambdaController.Next(0.01, meanDissonance: 0.2, dTarget: 0.12, eta: 0.1, lambdaMax: 0.05), Tolerance);
    }

    [Fact]
    public void Lambda_moves_down_when_mean_dissonance_is_below_the_target()
    {
        // 0.03 + 0.1 · (0.02 − 0.12) = 0.02
        Assert.Equal(0.02, LambdaController.Next(0.03, meanDissonance: 0.02, dTarget: 0.12, eta: 0.1, lambdaMax: 0.05), Tolerance);
    }

    [Fact]
    public void Lambda_stays_when_mean_dissonance_equals_the_target()
    {
        Assert.Equal(0.03, LambdaController.Next(0.03, meanDissonance: 0.12, dTarget: 0.12, eta: 0.5, lambdaMax: 0.05), Tolerance);
    }

    [Fact]
    public void Lambda_is_clamped_at_zero()
    {
        // 0.01 + 0.5 · (0 − 0.12) = −0.05 → 0
        Assert.Equal(0.0, LambdaController.Next(0.01, meanDissonance: 0, dTarget: 0.12, eta: 0.5, lambdaMax: 0.05));
    }

    [Fact]
    public void Lambda_is_clamped_at_lambda_max()
    {
        // 0.04 + 0.5 · (1 − 0.12) = 0.48 → 0.05
        Assert.Equal(0.05, LambdaController.Next(0.04, meanDissonance: 1, dTarget: 0.12, eta: 0.5, lambdaMax: 0.05));
    }

    [Fact]
    public void Lambda_starting_at_the_policy_default_of_zero_rises_with_the_default_eta()
    {
        var policy = TaskPolicy.Default;

        var next = LambdaController.Next(policy.Lambda, meanDissonance: 0.14, policy.DTarget, policy.Eta, policy.LambdaMax);

        // 0 + 0.5 · (0.14 − 0.12) = 0.01
        Assert.Equal(0.01, next, Tolerance);
    }

    [Fact]
    public void Lambda_with_eta_zero_never_moves()
    {
        Assert.Equal(0.02, LambdaController.Next(0.02, meanDissonance: 0.9, dTarget: 0.12, eta: 0, lambdaMax: 0.05));
    }

    [Fact]
    public void Repeated_cycles_above_the_target_converge_to_lambda_max()
    {
        var lambda = 0.0;
        for (var i = 0; i < 100; i++)
        {
            lambda = LambdaController.Next(lambda, meanDissonance: 0.2, dTarget: 0.12, eta: 0.5, lambdaMax: 0.05);
            Assert.InRange(lambda, 0.0, 0.05);
        }

        Assert.Equal(0.05, lambda);
    }
}
