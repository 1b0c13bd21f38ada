using SelfDissonance.Learning;
using SelfDissonance.Learning.Ml;

namespace SelfDissonance.Grains.Tests.Learning;

/// <summary>Cross-validated choice of the model settings: the family that fits the data at hand, a critic of another family.</summary>
public sealed class FamilySelectionTests
{
    [Fact]
    public void On_a_few_rows_of_a_linear_problem_the_linear_model_wins()
    {
        var shape = new ModelShape(30, 2);
        var rows = LinearClasses(perClass: 20, features: 30, seed: 1);

        var choice = FamilySelection.Select(shape, rows, seed: 7, TestContext.Current.CancellationToken);

        Assert.Equal(ModelFamilies.MaxEnt, choice.Proposer.Family);
        Assert.NotEqual(choice.Proposer.Family, choice.Critic.Family);
        Assert.Equal(ModelFamilies.Candidates(shape).Count, choice.Scores.Length);
        Assert.Equal(choice.Scores.Max(s => s.Accuracy), choice.ScoreOf(choice.Proposer));
    }

    [Fact]
    public void On_thousands_of_rows_of_a_curved_boundary_the_trees_win()
    {
        var shape = new ModelShape(2, 2);
        var rows = Moons(3000, seed: 2);

        var choice = FamilySelection.Select(shape, rows, seed: 7, TestContext.Current.CancellationToken);

        Assert.NotEqual(ModelFamilies.MaxEnt, choice.Proposer.Family);
        Assert.NotEqual(choice.Proposer.Family, choice.Critic.Family);
        Assert.True(choice.ScoreOf(choice.Proposer) > choice.Scores.Where(s => s.Family == ModelFamilies.MaxEnt).Max(s => s.Accuracy) + 0.02, string.Join(", ", choice.Scores));
        Assert.True(choice.Rows == 3000 && choice.Folds == 3, $"{choice.Rows} rows, {choice.Folds} folds (cross-validated on a sample of {FamilySelection.MaxRows})");
    }

    [Fact]
    public void The_same_rows_give_the_same_choice_and_scores()
    {
        var rows = Moons(400, seed: 3);

        var a = FamilySelection.Select(new ModelShape(2, 2), rows, seed: 7, TestContext.Current.CancellationToken);
        var b = FamilySelection.Select(new ModelShape(2, 2), rows, seed: 7, TestContext.Current.CancellationToken);

        Assert.Equal(a.Scores, b.Scores);
        Assert.Equal(a.Proposer.Name, b.Proposer.Name);
    }

    [Fact]
    public void Fold_fits_spread_over_threads_give_the_scores_of_one_thread()
    {
        var shape = new ModelShape(2, 2);
        var rows = Moons(900, seed: 4);

        var one = FamilySelection.Select(shape, rows, seed: 7, parallelism: 1, TestContext.Current.CancellationToken);
        var three = FamilySelection.Select(shape, rows, seed: 7, parallelism: 3, TestContext.Current.CancellationToken);

        Assert.Equal(one.Scores, three.Scores);
        Assert.Equal(one.Proposer.Name, three.Proposer.Name);
        Assert.Equal(one.Critic.Name, three.Critic.Name);
        Assert.Equal(one.Folds, three.Folds);
    }

    [Fact]
    public void A_cancelled_selection_on_several_threads_throws()
    {
        Assert.ThrowsAny<OperationCanceledException>(() => FamilySelection.Select(new ModelShape(2, 2), Moons(400, seed: 5), seed: 7, parallelism: 2, new CancellationToken(canceled: true)));
    }

    [Fact]
    public void With_one_row_per_class_the_defaults_are_fitted_without_cross_validation()
    {
        var shape = new ModelShape(2, 3);
        List<TrainingRow> rows = [new([0f, 0f], 0, 1f), new([5f, 0f], 1, 1f), new([0f, 5f], 2, 1f)];

        var choice = FamilySelection.Select(shape, rows, seed: 7, TestContext.Current.CancellationToken);

        Assert.Empty(choice.Scores);
        Assert.Equal(ModelFamilies.MaxEnt, choice.Proposer.Family);
        Assert.NotEqual(choice.Proposer.Family, choice.Critic.Family);
        // Both fit, and the linear proposer already separates three points.
        var proposer = choice.Proposer.Fit(shape, rows);
        choice.Critic.Fit(shape, rows);
        Assert.Equal(2, Divergence.ArgMax(proposer.Predictor.Predict([0f, 5f])));
    }

    private static List<TrainingRow> LinearClasses(int perClass, int features, int seed)
    {
        var random = new Random(seed);
        var rows = new List<TrainingRow>();
        for (var i = 0; i < perClass * 2; i++)
        {
            var label = i % 2;
            // Every feature carries a little of the class: a linear model adds them up, a tree sees one at a time.
            rows.Add(new TrainingRow([.. Enumerable.Range(0, features).Select(_ => (float)(Gaussian(random) + (label == 0 ? -0.35 : 0.35)))], label, 1f));
        }

        return rows;
    }

    private static List<TrainingRow> Moons(int count, int seed)
    {
        var random = new Random(seed);
        var rows = new List<TrainingRow>(count);
        for (var i = 0; i < count; i++)
        {
            var label = i % 2;
            var t = random.NextDouble() * Math.PI;
            var (x, y) = label == 0 ? (Math.Cos(t), Math.Sin(t)) : (1 - Math.Cos(t), 0.5 - Math.Sin(t));
            rows.Add(new TrainingRow([(float)(x + Gaussian(random) * 0.2), (float)(y + Gaussian(random) * 0.2)], label, 1f));
        }

        return rows;
    }

    private static double Gaussian(Random random) =>
        Math.Sqrt(-2.0 * Math.Log(1.0 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());
}
