using System.Collections.Immutable;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Microsoft.ML;

namespace SelfDissonance.Learning.Ml;

/// <summary>
/// A fitted model: one ML.NET model, or a weighted mixture of a few (a trust-region step part of the way from production
/// toward a retrained candidate). A single model serializes to the zip format ML.NET loads; a mixture to a small
/// container of its members' zips (<see cref="MixtureMagic"/>).
/// </summary>
public sealed class TrainedModel
{
    /// <summary>Starts a mixture artifact; an ML.NET zip starts with "PK", so the two never collide.</summary>
    private static readonly byte[] s_mixtureMagic = "SDMIX1\n"u8.ToArray();

    private readonly ImmutableArray<ModelMember> _members;
    private ModelPredictor? _predictor;

    internal TrainedModel(MLContext ml, ITransformer transformer, DataViewSchema inputSchema, ModelShape shape, string trainer)
        : this([new ModelMember(ml, transformer, inputSchema, trainer, 1)], shape)
    {
    }

    private TrainedModel(ImmutableArray<ModelMember> members, ModelShape shape)
    {
        _members = members;
        Shape = shape;
        Trainer = members.Length == 1
            ? members[0].Trainer
            : "mixture(" + string.Join(" + ", members.Select(m => m.Weight.ToString("0.###", CultureInfo.InvariantCulture) + "×" + m.Trainer)) + ")";
    }

    public static ReadOnlySpan<byte> MixtureMagic => s_mixtureMagic;

    public ModelShape Shape { get; }

    public string Trainer { get; }

    /// <summary>How many models a prediction runs (1, or the mixture's members).</summary>
    public int MemberCount => _members.Length;

    /// <summary>The members as single models with their weights (a single model is its own only member, weight 1).</summary>
    public IReadOnlyList<(TrainedModel Model, double Weight)> Components =>
        _members.Length == 1 ? [(this, 1.0)] : [.. _members.Select(m => (new TrainedModel([m with { Weight = 1 }], Shape), m.Weight))];

    /// <summary>Thread-safe predictions (a pool of prediction engines per member; ML.NET's engine is not thread-safe).</summary>
    public ModelPredictor Predictor => _predictor ??= new ModelPredictor(_members, Shape);

    /// <summary>A predictor that runs every member through ML.NET's engine, as every model ran before <see cref="TreeEnsembleScorer"/>.</summary>
    internal ModelPredictor EnginePredictor() => new(_members, Shape, compile: false);

    /// <summary>
    /// Σ wᵢ·partᵢ, with mixtures flattened into their members and weights renormalized; parts with weight 0 are left out
    /// and members shared by two parts (the same fitted model) are merged.
    /// </summary>
    public static TrainedModel Mix(IReadOnlyList<(TrainedModel Model, double Weight)> parts)
    {
        var members = new List<ModelMember>();
        foreach (var (model, weight) in parts.Where(p => p.Weight > 0))
        {
            foreach (var m in model._members)
            {
                var i = members.FindIndex(x => ReferenceEquals(x.Transformer, m.Transformer));
                if (i >= 0)
                {
                    members[i] = members[i] with { Weight = members[i].Weight + weight * m.Weight };
                }
                else
                {
                    members.Add(m with { Weight = weight * m.Weight });
                }
            }
        }

        var total = members.Sum(m => m.Weight);
        if (members.Count == 0 || total <= 0)
        {
            throw new ArgumentException("A mixture needs a part with positive weight.", nameof(parts));
        }

        var shape = parts[0].Model.Shape;
        return new TrainedModel([.. members.Select(m => m with { Weight = members.Count == 1 ? 1 : m.Weight / total })], shape);
    }

    public byte[] ToBytes()
    {
        if (_members.Length == 1)
        {
            return Zip(_members[0]);
        }

        using var stream = new MemoryStream();
        using (var writer = new BinaryWriter(stream, Encoding.UTF8, leaveOpen: true))
        {
            writer.Write(s_mixtureMagic);
            writer.Write(_members.Length);
            foreach (var m in _members)
            {
                var zip = Zip(m);
                writer.Write(m.Weight);
                writer.Write(m.Trainer);
                writer.Write(zip.Length);
                writer.Write(zip);
            }
        }

        return stream.ToArray();
    }

    public static TrainedModel FromBytes(ReadOnlySpan<byte> bytes, ModelShape shape, string trainer)
    {
        if (!bytes.StartsWith(s_mixtureMagic))
        {
            return new TrainedModel([Load(bytes.ToArray(), trainer, 1)], shape);
        }

        using var reader = new BinaryReader(new MemoryStream(bytes.ToArray(), writable: false), Encoding.UTF8);
        reader.ReadBytes(s_mixtureMagic.Length);
        var count = reader.ReadInt32();
        if (count is < 2 or > 16)
        {
            throw new InvalidDataException($"A mixture artifact names {count} members.");
        }

        var members = ImmutableArray.CreateBuilder<ModelMember>(count);
        for (var i = 0; i < count; i++)
        {
            var weight = reader.ReadDouble();
            var name = reader.ReadString();
            var length = reader.ReadInt32();
            members.Add(Load(reader.ReadBytes(length), name, weight));
        }

        return new TrainedModel(members.MoveToImmutable(), shape);
    }

    public static string Sha256Hex(ReadOnlySpan<byte> bytes) => Convert.ToHexStringLower(SHA256.HashData(bytes));

    private static byte[] Zip(ModelMember member)
    {
        if (member.Zip is { } loaded)
        {
            return loaded;
        }

        using var stream = new MemoryStream();
        member.Ml.Model.Save(member.Transformer, member.InputSchema, stream);
        return stream.ToArray();
    }

    private static ModelMember Load(byte[] zip, string trainer, double weight)
    {
        var ml = new MLContext();
        using var stream = new MemoryStream(zip, writable: false);
        var transformer = ml.Model.Load(stream, out var inputSchema);
        return new ModelMember(ml, transformer, inputSchema, trainer, weight, zip);
    }
}

/// <summary>
/// One fitted ML.NET model of a <see cref="TrainedModel"/> and its mixture weight. <see cref="Zip"/> keeps the bytes a
/// loaded model came from (a learning worker's fit, a stored version), so promoting it does not save it again.
/// </summary>
internal sealed record ModelMember(MLContext Ml, ITransformer Transformer, DataViewSchema InputSchema, string Trainer, double Weight, byte[]? Zip = null);
