using Microsoft.Extensions.ObjectPool;
using Microsoft.ML;

namespace SelfDissonance.Learning.Ml;

/// <summary>
/// Predicts class distributions. A tree model is scored by its <see cref="TreeEnsembleScorer"/> (thread-safe, no
/// allocation); any other model by ML.NET's PredictionEngine, which is not thread-safe, so engines (with their reusable
/// input and output objects) are pooled: one per concurrent caller, none created per request.
/// </summary>
public sealed class ModelPredictor
{
    private readonly ObjectPool<Worker>[] _pools;
    private readonly TreeEnsembleScorer?[] _scorers;
    private readonly double[] _weights;
    private readonly ModelShape _shape;

    /// <summary>Pools an engine per member, and makes tree members' scorers unless <paramref name="compile"/> is false (tests compare the two paths).</summary>
    internal ModelPredictor(IReadOnlyList<ModelMember> members, ModelShape shape, bool compile = true)
    {
        _shape = shape;
        var schema = MlRow.Schema(shape);
        _pools = [.. members.Select(m => new DefaultObjectPool<Worker>(new WorkerPolicy(m.Ml, m.Transformer, schema), Environment.ProcessorCount * 4))];
        _scorers = [.. members.Select((m, i) => compile ? TreeEnsembleScorer.TryCreate(m.Transformer, shape, x => PredictOnEngine(i, x)) : null)];
        _weights = [.. members.Select(m => m.Weight)];
    }

    public int Classes => _shape.Classes;

    /// <summary>How many members are scored without ML.NET's engine (every tree model, once its scorer matched ML.NET).</summary>
    public int CompiledMembers => _scorers.Count(s => s is not null);

    /// <summary>Writes the class distribution of <paramref name="features"/> (task order) into <paramref name="probabilities"/>.</summary>
    public void Predict(float[] features, Span<double> probabilities)
    {
        if (features.Length != _shape.Features)
        {
            throw new ArgumentException($"Expected {_shape.Features} features, got {features.Length}.", nameof(features));
        }

        if (probabilities.Length != _shape.Classes)
        {
            throw new ArgumentException($"Expected room for {_shape.Classes} probabilities.", nameof(probabilities));
        }

        if (_pools.Length == 1)
        {
            PredictMember(0, features, probabilities);
            return;
        }

        // A mixture: the weighted sum of its members' distributions.
        Span<double> member = probabilities.Length <= 64 ? stackalloc double[probabilities.Length] : new double[probabilities.Length];
        probabilities.Clear();
        for (var m = 0; m < _pools.Length; m++)
        {
            PredictMember(m, features, member);
            for (var k = 0; k < probabilities.Length; k++)
            {
                probabilities[k] += _weights[m] * member[k];
            }
        }
    }

    private void PredictMember(int member, float[] features, Span<double> probabilities)
    {
        // Rows reach a model with finite features (FeatureGuard); ML.NET's own handling of a missing value is left to it.
        if (_scorers[member] is { } scorer && AllFinite(features))
        {
            Span<float> scores = scorer.Classes <= 64 ? stackalloc float[scorer.Classes] : new float[scorer.Classes];
            scorer.Score(features, scores);
            Normalize(scores, probabilities);
            return;
        }

        PredictOnEngine(member, features, probabilities);
    }

    private double[] PredictOnEngine(int member, float[] features)
    {
        var probabilities = new double[_shape.Classes];
        PredictOnEngine(member, features, probabilities);
        return probabilities;
    }

    private void PredictOnEngine(int member, float[] features, Span<double> probabilities)
    {
        var pool = _pools[member];
        var worker = pool.Get();
        try
        {
            worker.Input.Features = features;
            worker.Engine.Predict(worker.Input, ref worker.Output);
            Normalize(worker.Output.Score, probabilities);
        }
        finally
        {
            worker.Input.Features = [];
            pool.Return(worker);
        }
    }

    private static bool AllFinite(float[] features)
    {
        foreach (var v in features)
        {
            if (!float.IsFinite(v))
            {
                return false;
            }
        }

        return true;
    }

    public double[] Predict(float[] features)
    {
        var probabilities = new double[_shape.Classes];
        Predict(features, probabilities);
        return probabilities;
    }

    public double[] Predict(ReadOnlySpan<float> features) => Predict(features.ToArray());

    /// <summary>
    /// Scores become a distribution over all classes: a model fitted on rows missing the last classes may return a
    /// shorter score vector; negative or non-finite scores count as zero; an all-zero vector becomes uniform.
    /// </summary>
    internal static void Normalize(ReadOnlySpan<float> scores, Span<double> probabilities)
    {
        var sum = 0.0;
        for (var i = 0; i < probabilities.Length; i++)
        {
            var s = i < scores.Length ? scores[i] : 0f;
            var v = float.IsFinite(s) && s > 0 ? s : 0.0;
            probabilities[i] = v;
            sum += v;
        }

        if (sum <= 0)
        {
            probabilities.Fill(1.0 / probabilities.Length);
            return;
        }

        for (var i = 0; i < probabilities.Length; i++)
        {
            probabilities[i] /= sum;
        }
    }

    private sealed class Worker(PredictionEngine<MlRow, MlScore> engine)
    {
        public readonly PredictionEngine<MlRow, MlScore> Engine = engine;
        public readonly MlRow Input = new();
        public MlScore Output = new();
    }

    private sealed class WorkerPolicy(MLContext ml, ITransformer transformer, Microsoft.ML.Data.SchemaDefinition schema) : IPooledObjectPolicy<Worker>
    {
        public Worker Create() => new(ml.Model.CreatePredictionEngine<MlRow, MlScore>(transformer, ignoreMissingColumns: true, inputSchemaDefinition: schema));

        public bool Return(Worker obj) => true;
    }
}
