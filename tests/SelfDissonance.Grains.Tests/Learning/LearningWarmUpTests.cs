using SelfDissonance.Learning;
using SelfDissonance.Learning.Ml;

namespace SelfDissonance.Grains.Tests.Learning;

/// <summary>The warm-up runs what a cycle runs: every setting the selection offers, and a trust-region step from a mixture.</summary>
public sealed class LearningWarmUpTests
{
    [Fact]
    public void A_warm_up_fits_every_offered_setting_and_steps_from_a_mixture_production()
    {
        var report = LearningWarmUp.Run(TestContext.Current.CancellationToken);

        Assert.Equal(ModelFamilies.Candidates(LearningWarmUp.Shape).Select(c => c.Name).Order(StringComparer.Ordinal), report.Fitted);
        Assert.True(report.Steps > 0, "no trust-region step was tried");
    }

    [Fact]
    public void A_cancelled_warm_up_fits_nothing()
    {
        Assert.ThrowsAny<OperationCanceledException>(() => LearningWarmUp.Run(new CancellationToken(canceled: true)));
    }
}
