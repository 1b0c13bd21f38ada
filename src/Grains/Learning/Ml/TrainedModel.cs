using System.Security.Cryptography;
using Microsoft.ML;

namespace SelfDissonance.Learning.Ml;

/// <summary>A fitted ML.NET model with its input schema; serializes to the zip format ML.NET loads.</summary>
public sealed class TrainedModel
{
    private readonly MLContext _ml;
    private readonly ITransformer _transformer;
    private readonly DataViewSchema _inputSchema;
    private ModelPredictor? _predictor;

    internal TrainedModel(MLContext ml, ITransformer transformer, DataViewSchema inputSchema, ModelShape shape, string trainer)
    {
        _ml = ml;
        _transformer = transformer;
        _inputSchema = inputSchema;
        Shape = shape;
        Trainer = trainer;
    }

    public ModelShape Shape { get; }

    public string Trainer { get; }

    /// <summary>Thread-safe predictions (a pool of prediction engines; ML.NET's engine is not thread-safe).</summary>
    public ModelPredictor Predictor => _predictor ??= new ModelPredictor(_ml, _transformer, Shape);

    public byte[] ToBytes()
    {
        using var stream = new MemoryStream();
        _ml.Model.Save(_transformer, _inputSchema, stream);
        return stream.ToArray();
    }

    public static TrainedModel FromBytes(ReadOnlySpan<byte> bytes, ModelShape shape, string trainer)
    {
        var ml = new MLContext();
        using var stream = new MemoryStream(bytes.ToArray(), writable: false);
        var transformer = ml.Model.Load(stream, out var inputSchema);
        return new TrainedModel(ml, transformer, inputSchema, shape, trainer);
    }

    public static string Sha256Hex(ReadOnlySpan<byte> bytes) => Convert.ToHexStringLower(SHA256.HashData(bytes));
}
