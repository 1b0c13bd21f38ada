using System.Collections.Immutable;
using System.Diagnostics;
using SelfDissonance.Learning.Ml;

namespace SelfDissonance.Learning;

/// <summary>
/// The KL trust region of BRIEF §4 as a bounded step, never a freeze. The retrained candidate C is promoted whole when
/// mean KL(production ‖ C) over the reference set is within klEps. Otherwise the step is a mixture (1 − v)·X + v·C, where
/// X is production or one of its members, with v the largest weight (grid, then bisection) whose mixture stays within
/// klEps of production and passes the golden gate. KL(P ‖ ·) is convex along the segment, so the feasible weights form
/// an interval and a weak start moves every cycle toward the retrained model until the candidate itself is within bound.
/// Mixtures stay at two models, so a promoted version costs at most two models per prediction however many steps it
/// took: from a mixture, the step starts from one model fitted to production's distributions (<see cref="Distillation"/>)
/// or from one of production's members, whichever allows the larger step.
/// </summary>
public static class TrustRegionSearch
{
    /// <summary>
    /// A step smaller than this does not count as movement: the candidate is rejected. From a single production model a
    /// step of weight v moves at most −ln(1 − v) (the mixture keeps (1 − v) of every probability), so any klEps ≥ 0.01
    /// always allows a step this large.
    /// </summary>
    public const double MinStep = 0.01;

    private const int GridPoints = 40;
    private const int BisectionSteps = 12;
    private const int MaxMembers = 2;

    public static TrustRegionOutcome Run(
        TrainedModel candidate,
        TrainedModel? production,
        IReadOnlyList<float[]> reference,
        IReadOnlyList<(float[] Features, int Label)> golden,
        double klEps,
        double goldenTolerance,
        CancellationToken cancellationToken = default,
        Func<TrainedModel, IEnumerable<TrainedModel>>? distill = null)
    {
        var clock = Stopwatch.StartNew();
        var candidateGolden = Score(candidate.Predictor, golden.Select(g => g.Features).ToList());
        var labels = golden.Select(g => g.Label).ToArray();
        var candidateAccuracy = Accuracy(candidateGolden, labels);
        if (production is null || reference.Count == 0)
        {
            return new TrustRegionOutcome(candidate, 1, null, null, candidateAccuracy, null, true, null, [], clock.Elapsed);
        }

        cancellationToken.ThrowIfCancellationRequested();
        var old = Score(production.Predictor, reference);
        var productionAccuracy = Accuracy(Score(production.Predictor, golden.Select(g => g.Features).ToList()), labels);
        var floor = productionAccuracy - goldenTolerance;
        var next = Score(candidate.Predictor, reference);
        var plainKl = Divergence.MeanKl(old, next);
        var trace = ImmutableArray.CreateBuilder<TrustRegionStep>();
        trace.Add(new TrustRegionStep(1, plainKl, plainKl <= klEps));
        if (plainKl <= klEps)
        {
            var passes = candidateAccuracy >= floor;
            return new TrustRegionOutcome(candidate, 1, plainKl, plainKl, candidateAccuracy, productionAccuracy, true, passes ? null : RejectionReasons.GoldenRegression, trace.ToImmutable(), clock.Elapsed);
        }

        // The bases a step may start from: production itself while it has room for the candidate beside it; from a mixture,
        // each of its members alone (the candidate takes the others' place) and models distilled from production, which
        // stand in for the whole mixture: the first always (it usually allows the largest step), each further one only
        // while no step has been found (a fit each). No result has more than MaxMembers.
        var bases = new List<TrainedModel>();
        if (production.MemberCount < MaxMembers)
        {
            bases.Add(production);
        }

        if (production.MemberCount > 1)
        {
            bases.AddRange(production.Components.Select(c => c.Model));
        }

        var distilled = production.MemberCount > 1 && distill is not null ? distill(production) : [];
        Step? best = null;
        var anyWithinKl = false;
        foreach (var b in bases.Concat(distilled.TakeWhile((_, i) => i == 0 || best is not { Weight: >= MinStep })))
        {
            cancellationToken.ThrowIfCancellationRequested();
            var baseReference = ReferenceEquals(b, production) ? old : Score(b.Predictor, reference);
            var baseGolden = Score(b.Predictor, golden.Select(g => g.Features).ToList());
            var step = Largest(old, baseReference, next, baseGolden, candidateGolden, labels, klEps, floor, ref anyWithinKl);
            if (step is { } s && (best is null || s.Weight > best.Value.Weight + 1e-9 || (s.Weight > best.Value.Weight - 1e-9 && b.MemberCount < best.Value.Base!.MemberCount)))
            {
                best = s with { Base = b };
            }
        }

        if (best is not { Weight: >= MinStep } chosen)
        {
            var reason = anyWithinKl ? RejectionReasons.GoldenRegression : RejectionReasons.KlTrustRegion;
            return new TrustRegionOutcome(candidate, 0, plainKl, null, candidateAccuracy, productionAccuracy, false, reason, trace.ToImmutable(), clock.Elapsed);
        }

        trace.Add(new TrustRegionStep(chosen.Weight, chosen.Kl, true));
        var model = TrainedModel.Mix([(chosen.Base!, 1 - chosen.Weight), (candidate, chosen.Weight)]);
        return new TrustRegionOutcome(model, chosen.Weight, plainKl, chosen.Kl, chosen.Accuracy, productionAccuracy, true, null, trace.ToImmutable(), clock.Elapsed);
    }

    public static List<double[]> Score(ModelPredictor model, IReadOnlyList<float[]> inputs)
    {
        var result = new List<double[]>(inputs.Count);
        foreach (var x in inputs)
        {
            result.Add(model.Predict(x));
        }

        return result;
    }

    /// <summary>The largest v on the grid that keeps KL within bound and golden above the floor, then refined by bisection.</summary>
    private static Step? Largest(
        List<double[]> old,
        List<double[]> baseReference,
        List<double[]> next,
        List<double[]> baseGolden,
        List<double[]> candidateGolden,
        int[] labels,
        double klEps,
        double floor,
        ref bool anyWithinKl)
    {
        Step? best = null;
        for (var j = GridPoints; j >= 1; j--)
        {
            var v = (double)j / GridPoints;
            var kl = Kl(old, baseReference, next, v);
            if (kl > klEps)
            {
                continue;
            }

            anyWithinKl = true;
            var accuracy = MixedAccuracy(baseGolden, candidateGolden, labels, v);
            if (accuracy < floor)
            {
                continue;
            }

            best = new Step(null, v, kl, accuracy);
            if (j == GridPoints)
            {
                return best;
            }

            // Between this weight and the next grid point the bound is crossed once (convexity): bisect for it.
            double lo = v, hi = (double)(j + 1) / GridPoints;
            for (var i = 0; i < BisectionSteps; i++)
            {
                var mid = (lo + hi) / 2;
                var midKl = Kl(old, baseReference, next, mid);
                if (midKl <= klEps && MixedAccuracy(baseGolden, candidateGolden, labels, mid) >= floor)
                {
                    lo = mid;
                    best = new Step(null, mid, midKl, MixedAccuracy(baseGolden, candidateGolden, labels, mid));
                }
                else
                {
                    hi = mid;
                }
            }

            return best;
        }

        // Not even the first grid point: bisect below it (a far candidate still allows a small step from production).
        double low = 0, high = 1.0 / GridPoints;
        for (var i = 0; i < BisectionSteps; i++)
        {
            var mid = (low + high) / 2;
            var midKl = Kl(old, baseReference, next, mid);
            if (midKl > klEps)
            {
                high = mid;
                continue;
            }

            // Only a step that counts as movement makes the golden gate the reason for a rejection.
            anyWithinKl |= mid >= MinStep;
            var accuracy = MixedAccuracy(baseGolden, candidateGolden, labels, mid);
            if (accuracy < floor)
            {
                high = mid;
                continue;
            }

            low = mid;
            best = new Step(null, mid, midKl, accuracy);
        }

        return best;
    }

    private static double Kl(List<double[]> old, List<double[]> from, List<double[]> to, double v)
    {
        var mixed = new List<double[]>(old.Count);
        for (var i = 0; i < old.Count; i++)
        {
            var p = new double[from[i].Length];
            for (var k = 0; k < p.Length; k++)
            {
                p[k] = (1 - v) * from[i][k] + v * to[i][k];
            }

            mixed.Add(p);
        }

        return Divergence.MeanKl(old, mixed);
    }

    private static double MixedAccuracy(List<double[]> from, List<double[]> to, int[] labels, double v)
    {
        if (labels.Length == 0)
        {
            return 0;
        }

        var correct = 0;
        var p = new double[from.Count == 0 ? 0 : from[0].Length];
        for (var i = 0; i < labels.Length; i++)
        {
            for (var k = 0; k < p.Length; k++)
            {
                p[k] = (1 - v) * from[i][k] + v * to[i][k];
            }

            correct += Divergence.ArgMax(p) == labels[i] ? 1 : 0;
        }

        return (double)correct / labels.Length;
    }

    private static double Accuracy(List<double[]> probabilities, int[] labels) =>
        labels.Length == 0 ? 0 : (double)Enumerable.Range(0, labels.Length).Count(i => Divergence.ArgMax(probabilities[i]) == labels[i]) / labels.Length;

    private readonly record struct Step(TrainedModel? Base, double Weight, double Kl, double Accuracy);
}
