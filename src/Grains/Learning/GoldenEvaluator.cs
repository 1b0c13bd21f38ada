using SelfDissonance.Learning.Ml;
using SelfDissonance.Tasks;

namespace SelfDissonance.Learning;

public static class GoldenEvaluator
{
    /// <summary>Share of golden rows whose most probable class is the label.</summary>
    public static double Accuracy(ModelPredictor model, IReadOnlyList<LabeledExample> golden)
    {
        if (golden.Count == 0)
        {
            return 0;
        }

        var p = new double[model.Classes];
        var correct = 0;
        foreach (var row in golden)
        {
            model.Predict(System.Runtime.InteropServices.ImmutableCollectionsMarshal.AsArray(row.Features)!, p);
            if (Divergence.ArgMax(p) == row.Label)
            {
                correct++;
            }
        }

        return (double)correct / golden.Count;
    }
}
