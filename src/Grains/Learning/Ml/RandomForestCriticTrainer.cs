using Microsoft.ML;
using Microsoft.ML.Trainers;
using Microsoft.ML.Trainers.FastTree;

namespace SelfDissonance.Learning.Ml;

/// <summary>
/// The critic: a different family from the proposer's boosting. A random forest (bagged trees, one-versus-all with
/// calibrated probabilities) up to <see cref="MaxForestClasses"/> classes; above that, one forest per class costs too
/// much, and the critic is L-BFGS maximum entropy on mean-variance normalized features.
/// </summary>
public sealed class RandomForestCriticTrainer : IModelTrainer
{
    public const int MaxForestClasses = 10;
    private const int Seed = 29;

    public string Name => "random-forest-ova|lbfgs-maxent";

    public TrainedModel Fit(ModelShape shape, IReadOnlyList<TrainingRow> rows)
    {
        var ml = new MLContext(Seed);
        var data = TrainingData.Load(ml, shape, rows);
        if (shape.Classes <= MaxForestClasses)
        {
            var forest = FastTreeInducedGc.Disable(ml.BinaryClassification.Trainers.FastForest(new FastForestBinaryTrainer.Options
            {
                LabelColumnName = nameof(MlRow.Label),
                FeatureColumnName = nameof(MlRow.Features),
                ExampleWeightColumnName = nameof(MlRow.Weight),
                NumberOfThreads = 1,
                NumberOfTrees = 50,
                NumberOfLeaves = 16,
                MinimumExampleCountPerLeaf = Math.Clamp(rows.Count / 20, 2, 20),
                Seed = Seed,

                // On by default: logs heap statistics through GC.GetTotalMemory(forceFullCollection: true).
                MemoryStatistics = false,
            }));
            var ova = ml.MulticlassClassification.Trainers.OneVersusAll(forest, labelColumnName: nameof(MlRow.Label), useProbabilities: true);
            return new TrainedModel(ml, ova.Fit(data), data.Schema, shape, "random-forest-ova");
        }

        var maxent = ml.Transforms.NormalizeMeanVariance(nameof(MlRow.Features))
            .Append(ml.MulticlassClassification.Trainers.LbfgsMaximumEntropy(new LbfgsMaximumEntropyMulticlassTrainer.Options
            {
                LabelColumnName = nameof(MlRow.Label),
                FeatureColumnName = nameof(MlRow.Features),
                ExampleWeightColumnName = nameof(MlRow.Weight),
                NumberOfThreads = 1,
            }));
        return new TrainedModel(ml, maxent.Fit(data), data.Schema, shape, "lbfgs-maxent");
    }
}
