using Microsoft.ML;

namespace SelfDissonance.Learning.Ml;

internal static class TrainingData
{
    public static IDataView Load(MLContext ml, ModelShape shape, IReadOnlyList<TrainingRow> rows)
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

        var mlRows = rows.Select(r => new MlRow { Features = r.Features, Label = (uint)r.Label, Weight = r.Weight });
        return ml.Data.LoadFromEnumerable(mlRows, MlRow.Schema(shape));
    }
}
