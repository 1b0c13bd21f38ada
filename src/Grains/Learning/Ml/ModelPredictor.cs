using Microsoft.Extensions.ObjectPool;
using Microsoft.ML;

namespace SelfDissonance.Learning.Ml;

/// <summary>
/// Predicts class distributions. ML.NET's PredictionEngine is not thread-safe, so engines (with their reusable input
/// and output objects) are pooled: one per concurrent caller, none created per request.
/// </summary>
public sealed class ModelPredictor
{
    private readonly ObjectPool<Worker> _pool;
    private readonly ModelShape _shape;

    internal ModelPredictor(MLContext ml, ITransformer transformer, ModelShape shape)
    {
        _shape = shape;
        var schema = MlRow.Schema(shape);
        _pool = new DefaultObjectPool<Worker>(new WorkerPolicy(ml, transformer, schema), Environment.ProcessorCount * 4);
    }

    public int Classes => _shape.Classes;

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

        var worker = _pool.Get();
        try
        {
            worker.Input.Features = features;
            worker.Engine.Predict(worker.Input, ref worker.Output);
            Normalize(worker.Output.Score, probabilities);
        }
        finally
        {
            worker.Input.Features = [];
            _pool.Return(worker);
        }
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
