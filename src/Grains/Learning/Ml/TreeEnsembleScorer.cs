using System.Reflection;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using Microsoft.ML;
using Microsoft.ML.Calibrators;
using Microsoft.ML.Data;
using Microsoft.ML.Trainers;
using Microsoft.ML.Trainers.FastTree;

namespace SelfDissonance.Learning.Ml;

/// <summary>
/// A one-versus-all tree model (LightGBM's softmax classes, or the forest's Platt-calibrated per-class forests) as flat
/// arrays, walked without ML.NET's per-row machinery. Written here because no served package scores a row of these
/// models cheaply: ML.NET's prediction engine took 5.9 µs and allocated 1.7 KB per row of a 2-class, 100-round LightGBM
/// model whose 200 trees these arrays walk in 1.5 µs with no allocation (BENCHMARKS.md), and its allocation-free
/// per-row path is internal. The trees are read through ML.NET's public tree API; only the per-class predictors, which
/// <see cref="OneVersusAllModelParameters"/> keeps private, are reached by reflection. <see cref="TryCreate"/> checks
/// every instance against ML.NET's own answers on probe rows and returns null (the engine stays) for any model it cannot
/// read or does not match, so an ML.NET upgrade that moves these internals costs speed, never a wrong prediction.
/// </summary>
internal sealed class TreeEnsembleScorer
{
    private const int ProbeRows = 64;
    private const double Tolerance = 1e-5;

    private readonly Node[] _nodes;
    private readonly double[] _leaves;
    private readonly int[] _roots;
    private readonly int[] _classTrees;
    private readonly double[] _bias;
    private readonly (double Slope, double Offset)[]? _platt;

    private TreeEnsembleScorer(Node[] nodes, double[] leaves, int[] roots, int[] classTrees, double[] bias, (double, double)[]? platt)
    {
        _nodes = nodes;
        _leaves = leaves;
        _roots = roots;
        _classTrees = classTrees;
        _bias = bias;
        _platt = platt;
    }

    /// <summary>Scores written per row: one per class the model was fitted with (may be fewer than the task's).</summary>
    public int Classes => _bias.Length;

    /// <summary>
    /// The scorer for <paramref name="transformer"/>, or null when it is not a tree model this class reads, or when on
    /// probe rows the distribution it serves differs from <paramref name="reference"/> (ML.NET's engine, normalized the
    /// same way by <see cref="ModelPredictor.Normalize"/>) by more than <see cref="Tolerance"/>.
    /// </summary>
    public static TreeEnsembleScorer? TryCreate(ITransformer transformer, ModelShape shape, Func<float[], double[]> reference)
    {
        TreeEnsembleScorer? scorer;
        try
        {
            scorer = Read(transformer, shape.Features);
        }
        catch (Exception e) when (e is InvalidCastException or NullReferenceException or NotSupportedException or TargetInvocationException)
        {
            return null;
        }

        return scorer is not null && scorer.Matches(reference, shape) ? scorer : null;
    }

    /// <summary>Writes the class scores (what ML.NET's engine returns as Score) of <paramref name="features"/>; all must be finite.</summary>
    public void Score(ReadOnlySpan<float> features, Span<float> scores)
    {
        // Bounds were checked once in Read: every node's feature index is below the task's feature count, which the caller
        // checked the row against, and every child index points inside _nodes or _leaves.
        ref var node0 = ref MemoryMarshal.GetArrayDataReference(_nodes);
        ref var leaf0 = ref MemoryMarshal.GetArrayDataReference(_leaves);
        ref var x0 = ref MemoryMarshal.GetReference(features);
        var max = double.NegativeInfinity;
        Span<double> raw = _bias.Length <= 64 ? stackalloc double[_bias.Length] : new double[_bias.Length];
        for (var k = 0; k < raw.Length; k++)
        {
            var sum = _bias[k];
            for (var t = _classTrees[k]; t < _classTrees[k + 1]; t++)
            {
                var n = _roots[t];
                while (n >= 0)
                {
                    ref var node = ref Unsafe.Add(ref node0, n);
                    n = Unsafe.Add(ref x0, node.Feature) <= node.Threshold ? node.Left : node.Right;
                }

                sum += Unsafe.Add(ref leaf0, ~n);
            }

            raw[k] = sum;
            max = Math.Max(max, sum);
        }

        // Either way the classes' values are normalized to sum to one, as ML.NET's one-versus-all model does.
        var total = 0.0;
        for (var k = 0; k < raw.Length; k++)
        {
            raw[k] = _platt is { } platt ? 1 / (1 + Math.Exp((platt[k].Slope * raw[k]) + platt[k].Offset)) : Math.Exp(raw[k] - max);
            total += raw[k];
        }

        for (var k = 0; k < raw.Length; k++)
        {
            scores[k] = (float)(raw[k] / total);
        }
    }

    private static TreeEnsembleScorer? Read(ITransformer transformer, int features)
    {
        if (transformer is not MulticlassPredictionTransformer<OneVersusAllModelParameters> ova)
        {
            return null;
        }

        var impl = typeof(OneVersusAllModelParameters).GetField("_impl", BindingFlags.NonPublic | BindingFlags.Instance)?.GetValue(ova.Model);
        var predictors = impl?.GetType().GetProperty("Predictors", BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Instance)?.GetValue(impl) as Array;
        if (predictors is null || predictors.Length == 0)
        {
            return null;
        }

        var nodes = new List<Node>();
        var leaves = new List<double>();
        var roots = new List<int>();
        var classTrees = new List<int> { 0 };
        var bias = new double[predictors.Length];
        var platt = new (double, double)[predictors.Length];
        var softmax = false;
        for (var k = 0; k < predictors.Length; k++)
        {
            if (predictors.GetValue(k) is not CalibratedModelParametersBase { Calibrator: PlattCalibrator calibrator } calibrated)
            {
                return null;
            }

            // LightGBM's classes are a softmax of the raw tree sums (its calibrators go unused); the forest's classes are
            // each forest's Platt-calibrated probability, normalized over the classes.
            (var ensemble, var isSoftmax) = calibrated.SubModel switch
            {
                Microsoft.ML.Trainers.LightGbm.LightGbmBinaryModelParameters lightGbm => (Trees(lightGbm.TrainedTreeEnsemble), true),
                FastForestBinaryModelParameters forest => (Trees(forest.TrainedTreeEnsemble), false),
                _ => default,
            };
            if (ensemble is null || (k > 0 && isSoftmax != softmax))
            {
                return null;
            }

            softmax = isSoftmax;
            bias[k] = ensemble.Value.Bias;
            platt[k] = (calibrator.Slope, calibrator.Offset);
            foreach (var (tree, weight) in ensemble.Value.Trees)
            {
                if (!Append(tree, weight, features, nodes, leaves, roots))
                {
                    return null;
                }
            }

            classTrees.Add(roots.Count);
        }

        var formula = impl!.GetType().GetField("OutputFormula", BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Instance)?.GetValue(impl);
        if (formula?.ToString() != (softmax ? "Softmax" : "ProbabilityNormalization"))
        {
            return null;
        }

        return new TreeEnsembleScorer([.. nodes], [.. leaves], [.. roots], [.. classTrees], bias, softmax ? null : platt);
    }

    private static (IEnumerable<(RegressionTreeBase Tree, double Weight)> Trees, double Bias)? Trees<TTree>(TreeEnsemble<TTree> ensemble)
        where TTree : RegressionTreeBase =>
        (ensemble.Trees.Select((t, i) => ((RegressionTreeBase)t, ensemble.TreeWeights[i])), ensemble.Bias);

    /// <summary>Adds one tree; child indexes become absolute, a leaf as the complement of its index in the leaf array.</summary>
    private static bool Append(RegressionTreeBase tree, double weight, int features, List<Node> nodes, List<double> leaves, List<int> roots)
    {
        var nodeBase = nodes.Count;
        var leafBase = leaves.Count;
        int Child(int c) => c >= 0 ? nodeBase + c : ~(leafBase + ~c);
        for (var n = 0; n < tree.NumberOfNodes; n++)
        {
            var feature = tree.NumericalSplitFeatureIndexes[n];
            if (tree.CategoricalSplitFlags[n] || feature < 0 || feature >= features
                || tree.LeftChild[n] >= tree.NumberOfNodes || ~tree.LeftChild[n] >= tree.NumberOfLeaves
                || tree.RightChild[n] >= tree.NumberOfNodes || ~tree.RightChild[n] >= tree.NumberOfLeaves)
            {
                return false;
            }

            nodes.Add(new Node(feature, tree.NumericalSplitThresholds[n], Child(tree.LeftChild[n]), Child(tree.RightChild[n])));
        }

        leaves.AddRange(tree.LeafValues.Select(v => v * weight));
        roots.Add(tree.NumberOfNodes == 0 ? ~leafBase : nodeBase);
        return tree.LeafValues.Count == Math.Max(1, tree.NumberOfLeaves);
    }

    /// <summary>
    /// Probe rows on and beside the split thresholds (the comparisons a walk can get wrong) and away from them, seeded;
    /// the distributions must match ML.NET's.
    /// </summary>
    private bool Matches(Func<float[], double[]> reference, ModelShape shape)
    {
        var features = shape.Features;
        var thresholds = new List<float>[features];
        for (var f = 0; f < features; f++)
        {
            thresholds[f] = [];
        }

        foreach (var node in _nodes)
        {
            thresholds[node.Feature].Add(node.Threshold);
        }

        var random = new Random(7);
        var scores = new float[Classes];
        var ours = new double[shape.Classes];
        for (var r = 0; r < ProbeRows; r++)
        {
            var x = new float[features];
            for (var f = 0; f < features; f++)
            {
                var split = thresholds[f].Count == 0 ? 0f : thresholds[f][random.Next(thresholds[f].Count)];
                x[f] = (r % 4) switch
                {
                    0 => split,
                    1 => MathF.BitIncrement(split),
                    2 => split + ((float)random.NextDouble() - 0.5f),
                    _ => (float)((random.NextDouble() - 0.5) * 20),
                };
            }

            var theirs = reference(x);
            Score(x, scores);
            ModelPredictor.Normalize(scores, ours);
            for (var k = 0; k < ours.Length; k++)
            {
                if (!(Math.Abs(theirs[k] - ours[k]) <= Tolerance))
                {
                    return false;
                }
            }
        }

        return true;
    }

    private readonly record struct Node(int Feature, float Threshold, int Left, int Right);
}
