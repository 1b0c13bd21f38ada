using SelfDissonance.Learning;
using SelfDissonance.Learning.Ml;
using SelfDissonance.Policy;

namespace SelfDissonance.Grains.Tests.Learning;

/// <summary>
/// The chain the trust region allows on real data: from a weak bootstrap model on digits (3 rows per class), each step
/// toward the model refitted on every training row moves (with the default klEps and golden tolerance), and the chain
/// ends at that refit in a bounded number of steps.
/// </summary>
public sealed class TrustRegionChainTests(ITestOutputHelper output)
{
    [Fact]
    public void From_a_weak_bootstrap_on_digits_every_step_moves_and_the_chain_ends_at_the_refit()
    {
        var (shape, all) = SampleData.Load("digits");
        var random = new Random(5);
        var shuffled = all.OrderBy(_ => random.Next()).ToList();
        var golden = shuffled.Take(all.Count / 5).Select(r => (r.Features, r.Label)).ToList();
        var training = shuffled.Skip(all.Count / 5).ToList();
        var bootstrap = training.GroupBy(r => r.Label).SelectMany(g => g.Take(3)).ToList();
        var reference = golden.Select(g => g.Features).Concat(training.Take(512).Select(r => r.Features)).ToList();
        var policy = TaskPolicy.Default;
        var ct = TestContext.Current.CancellationToken;

        var start = FamilySelection.Select(shape, bootstrap, seed: 7, ct);
        TrainedModel production = start.Proposer.Fit(shape, bootstrap);
        var refitChoice = FamilySelection.Select(shape, training, seed: 7, ct);
        var refit = refitChoice.Proposer.Fit(shape, training);
        var startAccuracy = Accuracy(production, golden);
        var refitAccuracy = Accuracy(refit, golden);
        output.WriteLine($"bootstrap {start.Proposer.Name} {startAccuracy:P1}; refit {refit.Trainer} {refitAccuracy:P1} (cv {string.Join(", ", refitChoice.Scores.Select(s => $"{s.Name} {s.Accuracy:P1}"))})");

        var steps = 0;
        while (!ReferenceEquals(production, refit))
        {
            Assert.True(++steps <= 40, "the chain reaches the refit in at most 40 steps");
            // As the learner does: a mixture production may be distilled into one model to step from.
            var outcome = TrustRegionSearch.Run(refit, production, reference, golden, policy.KlEps, policy.GoldenTolerance, ct, p => [Distillation.Fit(refitChoice.Proposer, p, training, reference, seed: 7)]);
            output.WriteLine($"step {steps}: weight {outcome.Step:0.###}, KL {outcome.Kl:F4} (plain {outcome.PlainKl:F4}), golden {outcome.GoldenAccuracy:P1}, {outcome.Model.MemberCount} members {outcome.Rejection}");
            Assert.Null(outcome.Rejection);
            Assert.True(outcome.Step >= TrustRegionSearch.MinStep);
            Assert.True(outcome.Kl <= policy.KlEps);
            Assert.InRange(outcome.Model.MemberCount, 1, 2);
            Assert.True(outcome.GoldenAccuracy >= outcome.ProductionGoldenAccuracy - policy.GoldenTolerance);
            production = outcome.Model;
        }

        Assert.True(steps > 1, "the bootstrap model is further from the refit than one step");
        Assert.True(refitAccuracy > startAccuracy + 0.05, $"the refit {refitAccuracy:P1} is clearly better than the bootstrap {startAccuracy:P1}");
        Assert.Equal(refitAccuracy, Accuracy(production, golden));
    }

    private static double Accuracy(TrainedModel model, List<(float[] Features, int Label)> golden) =>
        (double)golden.Count(g => Divergence.ArgMax(model.Predictor.Predict(g.Features)) == g.Label) / golden.Count;
}
