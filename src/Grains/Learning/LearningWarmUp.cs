using System.Collections.Immutable;
using System.Diagnostics;
using SelfDissonance.Learning.Fits;
using SelfDissonance.Learning.Ml;

namespace SelfDissonance.Learning;

/// <summary>
/// Runs every part of a learning cycle on made-up rows: the cross-validated choice among every setting, fits, the
/// trust-region search from a mixture production with distillation, serialization and loading. ML.NET is compiled by the
/// JIT as it first runs, and code is recompiled optimized only after enough calls: a silo's first real cycle took about
/// twice the time and CPU of the same cycle once warm. Done three times, a second apart, so that the later passes
/// run after the runtime's call counting has started and the hot code is optimized before any task's first cycle.
/// </summary>
public static class LearningWarmUp
{
    private const int Seed = 5;
    private const int Passes = 3;
    private static readonly TimeSpan s_pause = TimeSpan.FromSeconds(1);

    /// <summary>The made-up task: more than two classes, so that one-versus-all and softmax run as on any task.</summary>
    public static ModelShape Shape { get; } = new(Features: 4, Classes: 3);

    public static LearningWarmUpReport Run(CancellationToken cancellationToken = default) => Run(InProcessFitHost.Instance, cancellationToken);

    /// <summary>Fits on <paramref name="fits"/> (warming a learning worker too), everything else in this process.</summary>
    public static LearningWarmUpReport Run(IFitHost fits, CancellationToken cancellationToken = default)
    {
        var clock = Stopwatch.StartNew();
        var fitted = new SortedSet<string>(StringComparer.Ordinal);
        var steps = 0;
        var shape = Shape;
        var rows = Rows(shape, 660, Seed);
        var reference = Rows(shape, 120, Seed + 1).Select(r => r.Features).ToList();
        var golden = Rows(shape, 60, Seed + 2).Select(r => (r.Features, r.Label)).ToList();
        for (var pass = 0; pass < Passes; pass++)
        {
            if (pass > 0)
            {
                cancellationToken.WaitHandle.WaitOne(s_pause);
            }

            cancellationToken.ThrowIfCancellationRequested();

            var choice = fits.Select(shape, rows, Seed, cancellationToken: cancellationToken);
            fitted.UnionWith(choice.Scores.Select(s => s.Name));

            // A weak production that is a mixture, so that the search distils it and mixes again.
            var first = fits.Trainer(choice.Critic).Fit(shape, rows[..40]);
            var second = fits.Trainer(choice.Proposer).Fit(shape, rows[40..80]);
            var production = TrainedModel.Mix([(first, 0.5), (second, 0.5)]);
            var candidate = fits.Trainer(choice.Proposer).Fit(shape, rows);
            var step = TrustRegionSearch.Run(
                candidate,
                production,
                reference,
                golden,
                klEps: 0.02,
                goldenTolerance: 1,
                cancellationToken,
                mixture => Distillation.TrainersFor(mixture, choice.Proposer).Select(t => Distillation.Fit(fits.Trainer(t), mixture, rows, reference, Seed)));
            steps += step.Steps.Length;

            var loaded = TrainedModel.FromBytes(step.Model.ToBytes(), shape, step.Model.Trainer);
            _ = TrustRegionSearch.Score(loaded.Predictor, reference);
        }

        return new LearningWarmUpReport([.. fitted], steps, clock.Elapsed);
    }

    /// <summary>Three overlapping Gaussian classes: enough structure that every setting fits and no fold is one class.</summary>
    private static TrainingRow[] Rows(ModelShape shape, int count, int seed)
    {
        var random = new Random(seed);
        var rows = new TrainingRow[count];
        for (var i = 0; i < count; i++)
        {
            var label = i % shape.Classes;
            var features = new float[shape.Features];
            for (var f = 0; f < features.Length; f++)
            {
                features[f] = (float)((f % shape.Classes == label ? 1.5 : 0) + Gaussian(random));
            }

            rows[i] = new TrainingRow(features, label, 1f);
        }

        return rows;
    }

    private static double Gaussian(Random random) =>
        Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());
}

/// <summary>What a warm-up ran: the settings it fitted, the trust-region steps it tried, how long it took.</summary>
public sealed record LearningWarmUpReport(ImmutableArray<string> Fitted, int Steps, TimeSpan Duration);
