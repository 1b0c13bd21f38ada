using System.Collections.Immutable;
using System.Diagnostics;
using SelfDissonance.Learning.Ml;

namespace SelfDissonance.Learning;

/// <summary>
/// Chooses the proposer's and the critic's model settings by stratified k-fold cross-validation on training rows only
/// (the golden set is never seen): the proposer is the best-scoring setting, the critic the best of another family, so
/// their disagreement stays a second opinion. On 40 rows a linear model wins; on thousands the trees do.
/// </summary>
public static class FamilySelection
{
    /// <summary>Rows cross-validated at most (an even, class-stratified sample): keeps a selection under a few seconds.</summary>
    public const int MaxRows = 1200;

    private const int MaxFolds = 5;

    public static FamilyChoice Select(ModelShape shape, IReadOnlyList<TrainingRow> labeled, int seed, CancellationToken cancellationToken = default) =>
        Select(shape, labeled, seed, parallelism: 1, cancellationToken);

    /// <summary>
    /// As <see cref="Select(ModelShape, IReadOnlyList{TrainingRow}, int, CancellationToken)"/>, with the fold fits spread
    /// over <paramref name="parallelism"/> threads: the calling one and threads it starts, which inherit its priority (the
    /// learning worker's lowest one). Every fit is seeded and scored alone, so the scores do not depend on it.
    /// </summary>
    public static FamilyChoice Select(ModelShape shape, IReadOnlyList<TrainingRow> labeled, int seed, int parallelism, CancellationToken cancellationToken = default)
    {
        var clock = Stopwatch.StartNew();
        var candidates = ModelFamilies.Candidates(shape);
        var byClass = labeled.GroupBy(r => r.Label).ToDictionary(g => g.Key, g => g.ToList());
        var smallest = byClass.Count < 2 ? 0 : byClass.Values.Min(v => v.Count);
        if (smallest < 2)
        {
            var (proposer, critic) = ModelFamilies.Defaults(shape);
            return new FamilyChoice(proposer, critic, [], 0, labeled.Count, clock.Elapsed);
        }

        var sample = Sample(byClass, labeled.Count, seed);
        var folds = Math.Min(MaxFolds, Math.Min(smallest, sample.Count / 2));
        folds = sample.Count > 600 ? Math.Min(folds, 3) : folds;
        var fold = AssignFolds(sample, folds, seed);
        var results = FitFolds(candidates, shape, sample, fold, folds, parallelism, cancellationToken);
        var scores = ImmutableArray.CreateBuilder<FamilyScore>(candidates.Count);
        for (var c = 0; c < candidates.Count; c++)
        {
            var correct = 0;
            var scored = 0;
            foreach (var r in results.AsSpan(c * folds, folds))
            {
                correct += r.Correct;
                scored += r.Scored;
            }

            scores.Add(new FamilyScore(candidates[c].Name, candidates[c].Family, scored == 0 ? 0 : (double)correct / scored));
        }

        // Ties go to the earlier (cheaper) setting: the order of ModelFamilies.Candidates.
        var best = Best(scores, _ => true);
        var proposerTrainer = candidates.First(c => c.Name == best.Name);
        var criticScore = Best(scores, s => s.Family != best.Family);
        var criticTrainer = candidates.First(c => c.Name == criticScore.Name);
        return new FamilyChoice(proposerTrainer, criticTrainer, scores.ToImmutable(), folds, labeled.Count, clock.Elapsed);
    }

    private static FamilyScore Best(IEnumerable<FamilyScore> scores, Func<FamilyScore, bool> allowed)
    {
        FamilyScore? best = null;
        foreach (var s in scores.Where(allowed))
        {
            if (best is null || s.Accuracy > best.Accuracy + 1e-9)
            {
                best = s;
            }
        }

        return best ?? throw new InvalidOperationException("No model setting was eligible.");
    }

    /// <summary>
    /// Every (setting, fold) fit, at index setting × folds + fold. The costliest settings (last in the candidates' order)
    /// are dealt first, so that no thread is left with one long fit at the end.
    /// </summary>
    private static (int Correct, int Scored)[] FitFolds(IReadOnlyList<IModelTrainer> candidates, ModelShape shape, List<TrainingRow> rows, int[] fold, int folds, int parallelism, CancellationToken cancellationToken)
    {
        var results = new (int Correct, int Scored)[candidates.Count * folds];
        var next = results.Length;
        Exception? failure = null;
        void Work()
        {
            try
            {
                for (var i = Interlocked.Decrement(ref next); i >= 0 && failure is null; i = Interlocked.Decrement(ref next))
                {
                    cancellationToken.ThrowIfCancellationRequested();
                    results[i] = CrossValidateFold(candidates[i / folds], shape, rows, fold, i % folds);
                }
            }
            catch (Exception e)
            {
                Interlocked.CompareExchange(ref failure, e, null);
            }
        }

        var helpers = Enumerable.Range(1, Math.Clamp(parallelism, 1, results.Length) - 1)
            .Select(_ => new Thread(Work) { IsBackground = true, Name = "sd-learning-cv" })
            .ToList();
        helpers.ForEach(t => t.Start());
        Work();
        helpers.ForEach(t => t.Join());
        if (failure is not null)
        {
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(failure);
        }

        return results;
    }

    private static (int Correct, int Scored) CrossValidateFold(IModelTrainer trainer, ModelShape shape, List<TrainingRow> rows, int[] fold, int k)
    {
        var train = new List<TrainingRow>(rows.Count);
        var test = new List<TrainingRow>(rows.Count / 2 + 1);
        for (var i = 0; i < rows.Count; i++)
        {
            (fold[i] == k ? test : train).Add(rows[i]);
        }

        TrainedModel model;
        try
        {
            model = trainer.Fit(shape, train);
        }
        catch (Exception e) when (e is SingleClassException or InvalidOperationException or ArgumentOutOfRangeException)
        {
            // A setting that cannot fit this little data scores the fold as all wrong.
            return (0, test.Count);
        }

        var correct = 0;
        var p = new double[shape.Classes];
        foreach (var row in test)
        {
            model.Predictor.Predict(row.Features, p);
            correct += Divergence.ArgMax(p) == row.Label ? 1 : 0;
        }

        return (correct, test.Count);
    }

    /// <summary>At most <see cref="MaxRows"/> rows, each class keeping its share (and at least its first two rows).</summary>
    private static List<TrainingRow> Sample(Dictionary<int, List<TrainingRow>> byClass, int total, int seed)
    {
        if (total <= MaxRows)
        {
            return byClass.OrderBy(g => g.Key).SelectMany(g => g.Value).ToList();
        }

        var random = new Random(seed);
        var sample = new List<TrainingRow>(MaxRows);
        foreach (var (_, rows) in byClass.OrderBy(g => g.Key))
        {
            var take = Math.Max(2, (int)Math.Round((double)rows.Count * MaxRows / total));
            sample.AddRange(rows.OrderBy(_ => random.Next()).Take(take));
        }

        return sample;
    }

    /// <summary>Stratified: each class's rows are shuffled (seeded) and dealt round-robin over the folds.</summary>
    private static int[] AssignFolds(List<TrainingRow> rows, int folds, int seed)
    {
        var random = new Random(seed);
        var fold = new int[rows.Count];
        foreach (var group in Enumerable.Range(0, rows.Count).GroupBy(i => rows[i].Label).OrderBy(g => g.Key))
        {
            var next = random.Next(folds);
            foreach (var i in group.OrderBy(_ => random.Next()))
            {
                fold[i] = next;
                next = (next + 1) % folds;
            }
        }

        return fold;
    }
}

/// <summary>The chosen settings and every setting's cross-validated accuracy.</summary>
public sealed record FamilyChoice(IModelTrainer Proposer, IModelTrainer Critic, ImmutableArray<FamilyScore> Scores, int Folds, int Rows, TimeSpan Duration)
{
    public double? ScoreOf(IModelTrainer trainer) => Scores.FirstOrDefault(s => s.Name == trainer.Name)?.Accuracy;
}
