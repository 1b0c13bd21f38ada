using SelfDissonance.Grains.Tests.Learning;
using SelfDissonance.Learning.Ml;

namespace SelfDissonance.Grains.Tests.Ml;

/// <summary>
/// Tree models are scored from flat arrays instead of ML.NET's engine: every setting the learner can choose, fitted for
/// real, must be read (not left on the engine) and must give ML.NET's own distributions, also after a save and load.
/// </summary>
public sealed class TreeEnsembleScorerTests
{
    private static readonly (float X, float Y)[] s_threeCenters = [(8, 0), (0, 8), (0, 0)];

    public static TheoryData<string, int> TreeSettings => new()
    {
        { "lightgbm(leaves=16,iterations=100)", 2 },
        { "lightgbm(leaves=16,iterations=100)", 3 },
        { "lightgbm(leaves=4,iterations=100)", 2 },
        { "random-forest(trees=50)", 2 },
        { "random-forest(trees=50)", 3 },
    };

    [Theory]
    [MemberData(nameof(TreeSettings))]
    public void A_tree_model_is_scored_without_the_engine_and_gives_its_distributions(string setting, int classes)
    {
        var shape = new ModelShape(2, classes);
        var model = ModelFamilies.Find(shape, setting)!.Fit(shape, Clusters.Generate(s_threeCenters[..classes], 300, seed: 3, spread: 2.5));
        var loaded = TrainedModel.FromBytes(model.ToBytes(), shape, model.Trainer);

        Assert.Equal(1, model.Predictor.CompiledMembers);
        Assert.Equal(1, loaded.Predictor.CompiledMembers);
        AssertSameDistributions(model.EnginePredictor(), model.Predictor, Probes(2, 500, seed: 5));
        AssertSameDistributions(model.EnginePredictor(), loaded.Predictor, Probes(2, 500, seed: 6));
    }

    [Fact]
    public void Ten_classes_on_64_features_match_for_both_tree_families()
    {
        var (shape, rows) = SampleData.Load("digits");
        var training = rows.Take(600).ToList();
        var probes = rows.Skip(600).Take(300).Select(r => r.Features).ToList();
        foreach (var setting in new[] { "lightgbm(leaves=16,iterations=100)", "random-forest(trees=50)" })
        {
            var model = ModelFamilies.Find(shape, setting)!.Fit(shape, training);

            Assert.Equal(1, model.Predictor.CompiledMembers);
            AssertSameDistributions(model.EnginePredictor(), model.Predictor, probes);
        }
    }

    [Fact]
    public void A_mixture_scores_its_tree_members_and_leaves_a_linear_member_on_the_engine()
    {
        var shape = new ModelShape(2, 3);
        var rows = Clusters.Generate(s_threeCenters, 200, seed: 8, spread: 2.5);
        var mixture = TrainedModel.Mix(
        [
            (new LightGbmTrainer().Fit(shape, rows), 0.5),
            (new RandomForestTrainer().Fit(shape, rows), 0.3),
            (new MaxEntTrainer().Fit(shape, rows), 0.2),
        ]);

        Assert.Equal(2, mixture.Predictor.CompiledMembers);
        AssertSameDistributions(mixture.EnginePredictor(), mixture.Predictor, Probes(2, 300, seed: 9));
    }

    [Fact]
    public void A_row_with_a_missing_value_is_left_to_the_engine()
    {
        var shape = new ModelShape(2, 2);
        var model = new LightGbmTrainer().Fit(shape, Clusters.Generate(s_threeCenters[..2], 300, seed: 4, spread: 2.5));
        float[][] rows = [[float.NaN, 8f], [8f, float.NaN], [float.PositiveInfinity, 0f]];

        AssertSameDistributions(model.EnginePredictor(), model.Predictor, rows);
    }

    private static void AssertSameDistributions(ModelPredictor engine, ModelPredictor scored, IEnumerable<float[]> probes)
    {
        var differences = 0;
        foreach (var x in probes)
        {
            var expected = engine.Predict(x);
            var actual = scored.Predict(x);
            for (var k = 0; k < expected.Length; k++)
            {
                differences += Math.Abs(expected[k] - actual[k]) <= 1e-6 ? 0 : 1;
            }
        }

        Assert.Equal(0, differences);
    }

    /// <summary>Rows over and well beyond the clusters' range, so every branch and the outermost leaves are reached.</summary>
    private static List<float[]> Probes(int features, int count, int seed)
    {
        var random = new Random(seed);
        return [.. Enumerable.Range(0, count).Select(_ => Enumerable.Range(0, features).Select(_ => (float)((random.NextDouble() * 24) - 8)).ToArray())];
    }
}
