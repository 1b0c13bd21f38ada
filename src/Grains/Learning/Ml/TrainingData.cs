using Microsoft.ML;
using Microsoft.ML.Data;

namespace SelfDissonance.Learning.Ml;

internal static class TrainingData
{
    private const string Complement = "Complement";

    public static IDataView Load(MLContext ml, ModelShape shape, IReadOnlyList<TrainingRow> rows)
    {
        Validate(shape, rows);
        var mlRows = rows.Select(r => new MlRow { Features = r.Features, Label = (uint)r.Label, Weight = r.Weight });
        return ml.Data.LoadFromEnumerable(mlRows, MlRow.Schema(shape));
    }

    /// <summary>Two classes as ML.NET's binary trainers want them: a Boolean label, true for class 1.</summary>
    public static IDataView LoadBinary(MLContext ml, ModelShape shape, IReadOnlyList<TrainingRow> rows)
    {
        if (shape.Classes != 2)
        {
            throw new ArgumentException($"A binary view needs two classes; the task has {shape.Classes}.", nameof(shape));
        }

        Validate(shape, rows);
        var schema = SchemaDefinition.Create(typeof(MlBinaryRow));
        schema[nameof(MlBinaryRow.Features)].ColumnType = new VectorDataViewType(NumberDataViewType.Single, shape.Features);
        var mlRows = rows.Select(r => new MlBinaryRow { Features = r.Features, Label = r.Label == 1, Weight = r.Weight });
        return ml.Data.LoadFromEnumerable(mlRows, schema);
    }

    /// <summary>
    /// Turns a binary model's calibrated "Probability" of class 1 into the class-probability vector [1 − p, p] that every
    /// model of the learner outputs as its score.
    /// </summary>
    public static IEstimator<ITransformer> BinaryDistribution(MLContext ml) =>
        ml.Transforms.Expression(Complement, "p => 1 - p", "Probability")
            .Append(ml.Transforms.Concatenate(nameof(MlScore.Score), Complement, "Probability"));

    private static void Validate(ModelShape shape, IReadOnlyList<TrainingRow> rows)
    {
        var distinct = new HashSet<int>();
        foreach (var row in rows)
        {
            if (row.Features.Length != shape.Features)
            {
                throw new ArgumentException($"A training row has {row.Features.Length} features; the task has {shape.Features}.");
            }

            if ((uint)row.Label >= (uint)shape.Classes)
            {
                throw new ArgumentException($"Label index {row.Label} is outside the task's {shape.Classes} classes.");
            }

            distinct.Add(row.Label);
        }

        if (distinct.Count < 2)
        {
            throw new SingleClassException();
        }
    }

    private sealed class MlBinaryRow
    {
        public float[] Features { get; set; } = [];

        public bool Label { get; set; }

        public float Weight { get; set; }
    }
}
