using SelfDissonance.Grains.Tests.Ml;
using SelfDissonance.Learning;
using SelfDissonance.Learning.Ml;

namespace SelfDissonance.Grains.Tests.Learning;

/// <summary>One model fitted to a mixture's distributions stands in for the mixture: one model, and close to it.</summary>
public sealed class DistillationTests
{
    private static readonly ModelShape s_shape = new(2, 3);
    private static readonly List<TrainingRow> s_rows = Clusters.Generate([(8, 0), (0, 8), (0, 0)], perClass: 80, seed: 3);

    [Theory]
    [InlineData(ModelFamilies.MaxEnt)]
    [InlineData(ModelFamilies.LightGbm)]
    public void A_distilled_mixture_is_one_model_much_closer_to_the_mixture_than_either_member(string family)
    {
        IModelTrainer trainer = family == ModelFamilies.MaxEnt ? new MaxEntTrainer(l2: 0.1f) : new LightGbmTrainer();
        var first = trainer.Fit(s_shape, s_rows);
        // A member that swaps classes 0 and 1: the even mixture is unsure between them everywhere.
        var swapped = trainer.Fit(s_shape, [.. s_rows.Select(r => r with { Label = r.Label switch { 0 => 1, 1 => 0, _ => 2 } })]);
        var mixture = TrainedModel.Mix([(first, 0.5), (swapped, 0.5)]);
        var inputs = Clusters.Generate([(8, 0), (0, 8), (0, 0)], perClass: 40, seed: 9).Select(r => r.Features).ToList();

        var distilled = Distillation.Fit(trainer, mixture, s_rows, [], seed: 1);

        Assert.Equal(1, distilled.MemberCount);
        var target = TrustRegionSearch.Score(mixture.Predictor, inputs);
        var toDistilled = Divergence.MeanKl(target, TrustRegionSearch.Score(distilled.Predictor, inputs));
        var toMember = Math.Min(
            Divergence.MeanKl(target, TrustRegionSearch.Score(first.Predictor, inputs)),
            Divergence.MeanKl(target, TrustRegionSearch.Score(swapped.Predictor, inputs)));
        Assert.True(toDistilled < toMember / 10, $"KL to the distilled model {toDistilled:F4}, to the nearer member {toMember:F4}");
    }

    [Fact]
    public void More_rows_than_the_cap_are_sampled_the_same_way_every_time()
    {
        var many = Clusters.Generate([(8, 0), (0, 8), (0, 0)], perClass: Distillation.MaxRows / 2, seed: 4);
        var teacher = new MaxEntTrainer().Fit(s_shape, s_rows);
        var probe = new float[] { 3, 3 };

        var a = Distillation.Fit(new LightGbmTrainer(), teacher, many, [], seed: 1);
        var b = Distillation.Fit(new LightGbmTrainer(), teacher, many, [], seed: 1);

        Assert.Equal(a.Predictor.Predict(probe), b.Predictor.Predict(probe));
    }
}
