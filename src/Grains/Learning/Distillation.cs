using SelfDissonance.Learning.Ml;

namespace SelfDissonance.Learning;

/// <summary>
/// Fits one model to a mixture's class distributions, so that a trust-region step from a mixture production can start
/// from a single model and the promoted version never needs more than two models per prediction. Each training row
/// becomes one row per class the teacher gives any real mass (<see cref="MinProbability"/>), weighted by that probability: the
/// weighted log-loss of those rows is the cross-entropy against the teacher's distribution (soft labels), which ML.NET's
/// trainers take no other way.
/// </summary>
public static class Distillation
{
    /// <summary>Rows taken at most (an even, seeded sample): keeps the extra fit to a fraction of a cycle.</summary>
    public const int MaxRows = 4000;

    /// <summary>
    /// Below this a class gets no row. Kept tiny on purpose: KL(teacher ‖ student) grows fast where the student is sure of
    /// a class the teacher still gives some mass, and a row cut at 1% taught the student exactly that over-confidence.
    /// </summary>
    private const double MinProbability = 1e-4;

    /// <summary>
    /// Fits <paramref name="trainer"/> to <paramref name="teacher"/>'s distributions on the training rows' inputs and on
    /// <paramref name="inputs"/> (the trust region's reference inputs: where the step's KL is measured, so the distilled
    /// model is fitted where it must match). Only inputs are taken: no label of theirs is seen.
    /// </summary>
    public static TrainedModel Fit(IModelTrainer trainer, TrainedModel teacher, IReadOnlyList<TrainingRow> rows, IReadOnlyList<float[]> inputs, int seed)
    {
        var shape = teacher.Shape;
        var source = rows.Count <= MaxRows ? rows : Sample(rows, seed);
        var soft = new List<TrainingRow>((source.Count + inputs.Count) * 2);
        var p = new double[shape.Classes];
        foreach (var (features, weight) in source.Select(r => (r.Features, r.Weight)).Concat(inputs.Select(x => (x, 1f))))
        {
            teacher.Predictor.Predict(features, p);
            for (var k = 0; k < p.Length; k++)
            {
                if (p[k] >= MinProbability)
                {
                    soft.Add(new TrainingRow(features, k, (float)(weight * p[k])));
                }
            }
        }

        return trainer.Fit(shape, soft);
    }

    /// <summary>
    /// The settings to distill a mixture with, in the order to try them: its heaviest member's (named in the model), as a
    /// mixture is usually best imitated by its own family (one linear model comes within a tenth of the trust region's
    /// bound of a mixture of two), then <paramref name="role"/>'s current setting (a forest imitates a mixture of forests
    /// on ten classes too coarsely, where the critic's boosting setting does not).
    /// </summary>
    public static IEnumerable<IModelTrainer> TrainersFor(TrainedModel mixture, IModelTrainer role)
    {
        var own = ModelFamilies.Find(mixture.Shape, mixture.Components.MaxBy(c => c.Weight).Model.Trainer);
        if (own is not null)
        {
            yield return own;
        }

        if (own?.Name != role.Name)
        {
            yield return role;
        }
    }

    private static List<TrainingRow> Sample(IReadOnlyList<TrainingRow> rows, int seed)
    {
        var random = new Random(seed);
        var picked = Enumerable.Range(0, rows.Count).OrderBy(_ => random.Next()).Take(MaxRows).Order();
        return [.. picked.Select(i => rows[i])];
    }
}
