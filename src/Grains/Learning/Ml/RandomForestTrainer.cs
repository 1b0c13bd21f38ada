using Microsoft.ML;
using Microsoft.ML.Trainers.FastTree;

namespace SelfDissonance.Learning.Ml;

/// <summary>
/// A random forest: bagged trees, one-versus-all with calibrated probabilities. One forest per class, so it is offered
/// only up to <see cref="MaxClasses"/> classes (<see cref="ModelFamilies"/>).
/// </summary>
public sealed class RandomForestTrainer(int trees = 50) : IModelTrainer
{
    public const int MaxClasses = 10;
    private const int Seed = 29;

    public string Family => ModelFamilies.Forest;

    public string Name => $"{Family}(trees={trees})";

    public TrainedModel Fit(ModelShape shape, IReadOnlyList<TrainingRow> rows)
    {
        var ml = new MLContext(Seed);
        var data = TrainingData.Load(ml, shape, rows);
        var forest = FastTreeInducedGc.Disable(ml.BinaryClassification.Trainers.FastForest(new FastForestBinaryTrainer.Options
        {
            LabelColumnName = nameof(MlRow.Label),
            FeatureColumnName = nameof(MlRow.Features),
            ExampleWeightColumnName = nameof(MlRow.Weight),
            NumberOfThreads = 1,
            NumberOfTrees = trees,
            NumberOfLeaves = 16,
            MinimumExampleCountPerLeaf = Math.Clamp(rows.Count / 20, 1, 20),
            Seed = Seed,

            // On by default: logs heap statistics through GC.GetTotalMemory(forceFullCollection: true).
            MemoryStatistics = false,
        }));
        var ova = ml.MulticlassClassification.Trainers.OneVersusAll(forest, labelColumnName: nameof(MlRow.Label), useProbabilities: true);
        return new TrainedModel(ml, ova.Fit(data), data.Schema, shape, Name);
    }
}
