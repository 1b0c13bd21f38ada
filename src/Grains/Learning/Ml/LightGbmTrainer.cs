using Microsoft.ML;
using Microsoft.ML.Trainers.LightGbm;

namespace SelfDissonance.Learning.Ml;

/// <summary>
/// Gradient-boosted trees (LightGBM, multiclass softmax). One thread: LightGBM's default threading made fits take
/// seconds and erratically on these 2-core machines, one thread fits in tens of milliseconds (GOTCHAS 5).
/// </summary>
public sealed class LightGbmTrainer(int leaves = 16, int iterations = 100) : IModelTrainer
{
    public const int Seed = 17;

    public string Family => ModelFamilies.LightGbm;

    public string Name => $"{Family}(leaves={leaves},iterations={iterations})";

    public TrainedModel Fit(ModelShape shape, IReadOnlyList<TrainingRow> rows)
    {
        var ml = new MLContext(Seed);
        var data = TrainingData.Load(ml, shape, rows);
        var trainer = ml.MulticlassClassification.Trainers.LightGbm(new LightGbmMulticlassTrainer.Options
        {
            LabelColumnName = nameof(MlRow.Label),
            FeatureColumnName = nameof(MlRow.Features),
            ExampleWeightColumnName = nameof(MlRow.Weight),
            NumberOfThreads = 1,
            NumberOfIterations = iterations,
            NumberOfLeaves = leaves,
            LearningRate = 0.1,
            MinimumExampleCountPerLeaf = Math.Clamp(rows.Count / 20, 2, 20),
            Seed = Seed,
            Silent = true,
            UseSoftmax = true,
        });
        return new TrainedModel(ml, trainer.Fit(data), data.Schema, shape, Name);
    }
}
