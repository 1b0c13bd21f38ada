using Microsoft.ML;
using Microsoft.ML.Trainers.FastTree;

namespace SelfDissonance.Learning.Ml;

/// <summary>
/// A random forest: bagged trees with Platt-calibrated probabilities. Two classes take one forest; more take one forest
/// per class (one-versus-all), so it is offered only up to <see cref="MaxClasses"/> classes (<see cref="ModelFamilies"/>).
/// </summary>
public sealed class RandomForestTrainer(int trees = 50) : IModelTrainer
{
    public const int MaxClasses = 10;
    private const int Seed = 29;

    public string Family => ModelFamilies.Forest;

    public string Name => $"{Family}(trees={trees})";

    public TrainedModel Fit(ModelShape shape, IReadOnlyList<TrainingRow> rows) =>
        shape.Classes == 2 ? FitBinary(shape, rows) : FitOneVersusAll(shape, rows);

    /// <summary>
    /// One forest and one calibrator. One-versus-all on two classes fits two mirror-image forests and calibrates both
    /// through ML.NET's multi-threaded calibration pass: 3.7–5× the time for the same accuracy (measured on two moons).
    /// The model's output is the usual class-probability vector [1 − p, p].
    /// </summary>
    private TrainedModel FitBinary(ModelShape shape, IReadOnlyList<TrainingRow> rows)
    {
        var ml = new MLContext(Seed);
        var data = TrainingData.LoadBinary(ml, shape, rows);
        var forest = Forest(ml, rows.Count).Fit(data);
        var scored = forest.Transform(data);
        var calibrator = ml.BinaryClassification.Calibrators.Platt(labelColumnName: nameof(MlRow.Label)).Fit(scored);
        var calibrated = calibrator.Transform(scored);
        var distribution = TrainingData.BinaryDistribution(ml).Fit(calibrated);
        return new TrainedModel(ml, forest.Append(calibrator).Append(distribution), data.Schema, shape, Name);
    }

    private TrainedModel FitOneVersusAll(ModelShape shape, IReadOnlyList<TrainingRow> rows)
    {
        var ml = new MLContext(Seed);
        var data = TrainingData.Load(ml, shape, rows);
        var ova = ml.MulticlassClassification.Trainers.OneVersusAll(Forest(ml, rows.Count), labelColumnName: nameof(MlRow.Label), useProbabilities: true);
        return new TrainedModel(ml, ova.Fit(data), data.Schema, shape, Name);
    }

    private FastForestBinaryTrainer Forest(MLContext ml, int rows) =>
        FastTreeInducedGc.Disable(ml.BinaryClassification.Trainers.FastForest(new FastForestBinaryTrainer.Options
        {
            LabelColumnName = nameof(MlRow.Label),
            FeatureColumnName = nameof(MlRow.Features),
            ExampleWeightColumnName = nameof(MlRow.Weight),
            NumberOfThreads = 1,
            NumberOfTrees = trees,
            NumberOfLeaves = 16,
            MinimumExampleCountPerLeaf = Math.Clamp(rows / 20, 1, 20),
            Seed = Seed,

            // On by default: logs heap statistics through GC.GetTotalMemory(forceFullCollection: true).
            MemoryStatistics = false,
        }));
}
