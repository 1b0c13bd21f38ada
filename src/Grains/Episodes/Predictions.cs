using System.Collections.Immutable;
using SelfDissonance.Learning;
using SelfDissonance.Tasks;

namespace SelfDissonance.Episodes;

internal static class Predictions
{
    public static Prediction From(double[] probabilities, TaskDefinition task)
    {
        var top = Divergence.ArgMax(probabilities);
        return new Prediction(top, task.Classes[top], ImmutableArray.Create(probabilities));
    }
}
