using SelfDissonance.Grains.Tests.Ml;
using SelfDissonance.Learning;
using SelfDissonance.Learning.Ml;

namespace SelfDissonance.Grains.Tests.Learning;

/// <summary>The trust region as a bounded step on real fits: whole when within bound, a mixture toward the candidate when not.</summary>
public sealed class TrustRegionSearchTests
{
    private static readonly ModelShape s_shape = new(2, 2);
    private static readonly List<TrainingRow> s_old = Clusters.Generate([(6, 6), (0, 0)], perClass: 60, seed: 3);
    // The classes moved: a retrain is far from the old model.
    private static readonly List<TrainingRow> s_new = Clusters.Generate([(3, 6), (3, 0)], perClass: 60, seed: 4);
    private static readonly List<float[]> s_reference = [.. s_old.Concat(s_new).Select(r => r.Features)];
    private static readonly List<(float[] Features, int Label)> s_golden = [.. Clusters.Generate([(3, 6), (3, 0)], perClass: 40, seed: 5).Select(r => (r.Features, r.Label))];
    private static readonly TrainedModel s_production = new MaxEntTrainer().Fit(s_shape, s_old);
    private static readonly TrainedModel s_candidate = new MaxEntTrainer().Fit(s_shape, s_new);

    [Fact]
    public void A_candidate_within_the_bound_is_promoted_whole()
    {
        var outcome = TrustRegionSearch.Run(s_candidate, s_production, s_reference, s_golden, klEps: 100, goldenTolerance: 0.005, TestContext.Current.CancellationToken);

        Assert.Null(outcome.Rejection);
        Assert.Same(s_candidate, outcome.Model);
        Assert.Equal(1.0, outcome.Step);
        Assert.Equal(outcome.PlainKl, outcome.Kl);
    }

    [Fact]
    public void A_candidate_beyond_the_bound_is_mixed_in_as_far_as_the_bound_allows()
    {
        const double klEps = 0.01;
        var outcome = TrustRegionSearch.Run(s_candidate, s_production, s_reference, s_golden, klEps, goldenTolerance: 0.005, TestContext.Current.CancellationToken);

        Assert.Null(outcome.Rejection);
        Assert.True(outcome.PlainKl > klEps, $"the plain candidate moves {outcome.PlainKl}");
        Assert.InRange(outcome.Step, TrustRegionSearch.MinStep, 0.999);
        Assert.Equal(2, outcome.Model.MemberCount);
        var old = TrustRegionSearch.Score(s_production.Predictor, s_reference);
        var stepKl = Divergence.MeanKl(old, TrustRegionSearch.Score(outcome.Model.Predictor, s_reference));
        Assert.Equal(outcome.Kl!.Value, stepKl, 1e-6);
        Assert.InRange(stepKl, klEps * 0.9, klEps);

        // The largest step: a little more weight on the candidate crosses the bound.
        var further = TrainedModel.Mix([(s_production, 1 - outcome.Step - 0.01), (s_candidate, outcome.Step + 0.01)]);
        Assert.True(Divergence.MeanKl(old, TrustRegionSearch.Score(further.Predictor, s_reference)) > klEps);
    }

    [Fact]
    public void Repeated_steps_toward_the_same_candidate_each_move_and_reach_it_with_at_most_two_members()
    {
        var production = s_production;
        var steps = new List<double>();
        for (var i = 0; i < 40 && !ReferenceEquals(production, s_candidate); i++)
        {
            var outcome = TrustRegionSearch.Run(s_candidate, production, s_reference, s_golden, klEps: 0.01, goldenTolerance: 0.005, TestContext.Current.CancellationToken);
            Assert.Null(outcome.Rejection);
            Assert.InRange(outcome.Model.MemberCount, 1, 2);
            Assert.True(outcome.Step >= TrustRegionSearch.MinStep);
            steps.Add(outcome.Step);
            production = outcome.Model;
        }

        Assert.Same(s_candidate, production);
        Assert.True(steps.Count >= 2, "the first step was limited by the bound");
        Assert.All(steps.Zip(steps.Skip(1)), p => Assert.True(p.Second > p.First, string.Join(", ", steps)));
    }

    [Fact]
    public void From_an_even_mixture_of_far_apart_models_only_the_distilled_base_allows_a_step()
    {
        // Two models that disagree everywhere, mixed 50/50: neither alone is within the bound of the mixture, so without a
        // model distilled from it the candidate could not take a member's place and a two-model cap would freeze learning.
        var opposite = new MaxEntTrainer().Fit(s_shape, [.. s_old.Select(r => r with { Label = 1 - r.Label })]);
        var production = TrainedModel.Mix([(s_production, 0.5), (opposite, 0.5)]);
        // A candidate that agrees with one member on half of the reference rows and with the other on the rest (class 0
        // everywhere near the data), so that no mixture of it with either member comes back to the even mixture.
        var next = new MaxEntTrainer(l2: 0.1f).Fit(s_shape, Clusters.Generate([(3, 3), (20, 20)], perClass: 60, seed: 8));
        var ct = TestContext.Current.CancellationToken;

        var frozen = TrustRegionSearch.Run(next, production, s_reference, s_golden, klEps: 0.01, goldenTolerance: 1, ct);
        var outcome = TrustRegionSearch.Run(next, production, s_reference, s_golden, klEps: 0.01, goldenTolerance: 1, ct, Distill);

        Assert.Equal(RejectionReasons.KlTrustRegion, frozen.Rejection);
        Assert.Null(outcome.Rejection);
        Assert.True(outcome.Step >= TrustRegionSearch.MinStep, $"step {outcome.Step}");
        Assert.True(outcome.Kl <= 0.01);
        Assert.Equal(2, outcome.Model.MemberCount);
    }

    [Fact]
    public void A_new_candidate_every_cycle_never_makes_a_mixture_of_more_than_two_models()
    {
        // Production as a three-model mixture (what an older version kept), then a new candidate of another concept every
        // cycle: each cycle steps, within the bound, to at most two models.
        var third = new LightGbmTrainer().Fit(s_shape, Clusters.Generate([(0, 6), (6, 0)], perClass: 60, seed: 7));
        var production = TrainedModel.Mix([(s_production, 0.4), (s_candidate, 0.3), (third, 0.3)]);
        var ct = TestContext.Current.CancellationToken;

        for (var i = 0; i < 5; i++)
        {
            var next = new MaxEntTrainer(l2: 0.1f).Fit(s_shape, Clusters.Generate([(3 + i, 7), (3 - i, -1)], perClass: 60, seed: 8 + i));
            var old = TrustRegionSearch.Score(production.Predictor, s_reference);
            var outcome = TrustRegionSearch.Run(next, production, s_reference, s_golden, klEps: 0.01, goldenTolerance: 1, ct, Distill);
            Assert.Null(outcome.Rejection);
            Assert.True(outcome.Step >= TrustRegionSearch.MinStep, $"cycle {i}: step {outcome.Step}");
            Assert.InRange(outcome.Model.MemberCount, 1, 2);
            Assert.InRange(Divergence.MeanKl(old, TrustRegionSearch.Score(outcome.Model.Predictor, s_reference)), 0, 0.01 + 1e-9);
            production = outcome.Model;
        }
    }

    [Fact]
    public void With_a_near_zero_bound_no_step_counts_and_the_candidate_is_rejected()
    {
        var outcome = TrustRegionSearch.Run(s_candidate, s_production, s_reference, s_golden, klEps: 1e-9, goldenTolerance: 0.005, TestContext.Current.CancellationToken);

        Assert.Equal(RejectionReasons.KlTrustRegion, outcome.Rejection);
        Assert.Equal(0, outcome.Step);
        Assert.False(Assert.Single(outcome.Steps).WithinBound);
    }

    [Fact]
    public void A_candidate_worse_on_golden_takes_no_step()
    {
        // Golden rows of the old concept: the candidate (and every mixture toward it) loses accuracy on them.
        var golden = Clusters.Generate([(6, 6), (0, 0)], perClass: 40, seed: 6).Select(r => (r.Features, r.Label)).ToList();
        var flipped = s_old.Select(r => r with { Label = 1 - r.Label }).ToList();
        var worse = new MaxEntTrainer().Fit(s_shape, flipped);

        var outcome = TrustRegionSearch.Run(worse, s_production, s_reference, golden, klEps: 100, goldenTolerance: 0.005, TestContext.Current.CancellationToken);

        Assert.Equal(RejectionReasons.GoldenRegression, outcome.Rejection);
        Assert.True(outcome.GoldenAccuracy < outcome.ProductionGoldenAccuracy);
    }

    [Fact]
    public void A_mixture_survives_its_artifact_bytes()
    {
        var mixture = TrainedModel.Mix([(s_production, 0.7), (new LightGbmTrainer().Fit(s_shape, s_new), 0.3)]);

        var bytes = mixture.ToBytes();
        var loaded = TrainedModel.FromBytes(bytes, s_shape, mixture.Trainer);

        Assert.True(bytes.AsSpan().StartsWith(TrainedModel.MixtureMagic));
        Assert.Equal(2, loaded.MemberCount);
        Assert.Equal(mixture.Trainer, loaded.Trainer);
        foreach (var x in s_reference.Take(50))
        {
            Assert.Equal(mixture.Predictor.Predict(x), loaded.Predictor.Predict(x), (a, b) => Math.Abs(a - b) < 1e-9);
        }
    }

    [Fact]
    public void An_already_stopping_silo_scores_nothing()
    {
        Assert.Throws<OperationCanceledException>(() =>
            TrustRegionSearch.Run(s_candidate, s_production, s_reference, s_golden, klEps: 0.01, goldenTolerance: 0.005, new CancellationToken(canceled: true)));
    }

    private static IEnumerable<TrainedModel> Distill(TrainedModel mixture) =>
        [Distillation.Fit(new MaxEntTrainer(l2: 0.1f), mixture, [.. s_old, .. s_new], s_reference, seed: 1)];
}
