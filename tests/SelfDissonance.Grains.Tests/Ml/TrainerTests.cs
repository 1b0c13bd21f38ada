using SelfDissonance.Learning.Ml;

namespace SelfDissonance.Grains.Tests.Ml;

public sealed class TrainerTests
{
    // Class k sits at centers[k]; the order is deliberately not the order of the x axis, so a shifted or sorted class
    // mapping would show up as a wrong index.
    private static readonly (float X, float Y)[] s_twoCenters = [(6, 6), (0, 0)];
    private static readonly (float X, float Y)[] s_threeCenters = [(8, 0), (0, 8), (0, 0)];

    public static TheoryData<string, int> Cases => new()
    {
        { ModelFamilies.LightGbm, 2 },
        { ModelFamilies.LightGbm, 3 },
        { ModelFamilies.Forest, 2 },
        { ModelFamilies.Forest, 3 },
        { ModelFamilies.MaxEnt, 2 },
        { ModelFamilies.MaxEnt, 3 },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Predictions_are_distributions_over_all_classes(string role, int classes)
    {
        var (model, centers) = Fit(role, classes);

        foreach (var probe in Probes(centers))
        {
            var p = model.Predictor.Predict(probe);

            Assert.Equal(classes, p.Length);
            Assert.All(p, v => Assert.InRange(v, 0.0, 1.0));
            Assert.Equal(1.0, p.Sum(), 1e-6);
        }
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Class_k_in_training_is_index_k_in_the_output(string role, int classes)
    {
        var (model, centers) = Fit(role, classes);

        for (var k = 0; k < classes; k++)
        {
            var p = model.Predictor.Predict([centers[k].X, centers[k].Y]);

            Assert.True(
                ArgMax(p) == k && p[k] > 0.6,
                $"{role}: the centre of class {k} was scored [{string.Join(", ", p.Select(v => v.ToString("F3", System.Globalization.CultureInfo.InvariantCulture)))}]");
        }
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Training_accuracy_on_separable_clusters_is_high(string role, int classes)
    {
        var centers = Centers(classes);
        var rows = Clusters.Generate(centers, perClass: 40, seed: 3);
        var (model, _) = Fit(role, classes);

        var correct = rows.Count(r => ArgMax(model.Predictor.Predict(r.Features)) == r.Label);

        Assert.True(correct >= rows.Count * 0.95, $"{role}: {correct} of {rows.Count} correct");
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Serialized_models_predict_exactly_as_the_originals(string role, int classes)
    {
        var (model, centers) = Fit(role, classes);

        var bytes = model.ToBytes();
        var loaded = TrainedModel.FromBytes(bytes, model.Shape, model.Trainer);

        Assert.Equal(model.Shape, loaded.Shape);
        Assert.Equal(model.Trainer, loaded.Trainer);
        foreach (var probe in Probes(centers))
        {
            Assert.Equal(model.Predictor.Predict(probe), loaded.Predictor.Predict(probe));
        }
    }

    [Fact]
    public void Rows_of_a_single_class_cannot_be_fitted()
    {
        var rows = Clusters.Generate(s_twoCenters, perClass: 10, seed: 1).Where(r => r.Label == 1).ToList();

        Assert.Throws<SingleClassException>(() => new LightGbmTrainer().Fit(new ModelShape(2, 2), rows));
        Assert.Throws<SingleClassException>(() => new RandomForestTrainer().Fit(new ModelShape(2, 2), rows));
        Assert.Throws<SingleClassException>(() => new MaxEntTrainer().Fit(new ModelShape(2, 2), rows));
    }

    [Fact]
    public void Rows_with_a_label_outside_the_classes_are_refused()
    {
        List<TrainingRow> rows = [new([0f, 0f], 0, 1f), new([1f, 1f], 2, 1f)];

        Assert.Throws<ArgumentException>(() => new LightGbmTrainer().Fit(new ModelShape(2, 2), rows));
    }

    [Fact]
    public void Rows_with_the_wrong_feature_count_are_refused()
    {
        List<TrainingRow> rows = [new([0f, 0f], 0, 1f), new([1f], 1, 1f)];

        Assert.Throws<ArgumentException>(() => new RandomForestTrainer().Fit(new ModelShape(2, 2), rows));
    }

    [Fact]
    public void Predicting_with_the_wrong_feature_count_is_refused()
    {
        var (model, _) = Fit(ModelFamilies.LightGbm, 2);

        Assert.Throws<ArgumentException>(() => model.Predictor.Predict([1f, 2f, 3f]));
    }

    [Fact]
    public void Every_setting_names_its_family_and_hyper_parameters_and_is_found_by_that_name()
    {
        var shape = new ModelShape(2, 3);
        var candidates = ModelFamilies.Candidates(shape);

        Assert.Equal([ModelFamilies.MaxEnt, ModelFamilies.LightGbm, ModelFamilies.Forest], candidates.Select(c => c.Family).Distinct());
        Assert.Equal(candidates.Count, candidates.Select(c => c.Name).Distinct().Count());
        Assert.All(candidates, c => Assert.Same(c.GetType(), ModelFamilies.Find(shape, c.Name)!.GetType()));
        Assert.Equal("lightgbm(leaves=16,iterations=100)", Fit(ModelFamilies.LightGbm, 2).Model.Trainer);
        Assert.Null(ModelFamilies.Find(shape, "lightgbm-multiclass"));
        // One forest per class: not offered above ten classes.
        Assert.DoesNotContain(ModelFamilies.Candidates(new ModelShape(2, 11)), c => c.Family == ModelFamilies.Forest);
    }

    private static (TrainedModel Model, (float X, float Y)[] Centers) Fit(string family, int classes)
    {
        var centers = Centers(classes);
        var rows = Clusters.Generate(centers, perClass: 40, seed: 3);
        IModelTrainer trainer = family switch
        {
            ModelFamilies.LightGbm => new LightGbmTrainer(),
            ModelFamilies.Forest => new RandomForestTrainer(),
            _ => new MaxEntTrainer(),
        };
        return (trainer.Fit(new ModelShape(2, classes), rows), centers);
    }

    private static (float X, float Y)[] Centers(int classes) => classes == 2 ? s_twoCenters : s_threeCenters;

    private static IEnumerable<float[]> Probes((float X, float Y)[] centers)
    {
        foreach (var (x, y) in centers)
        {
            yield return [x, y];
        }

        yield return [1.5f, 2.5f];
        yield return [-3f, 10f];
        yield return [100f, -100f];
    }

    private static int ArgMax(double[] p)
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
}
