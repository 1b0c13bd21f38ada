using Microsoft.ML;
using Microsoft.ML.Data;

namespace SelfDissonance.Learning.Ml;

internal static class TrainingData
{
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
