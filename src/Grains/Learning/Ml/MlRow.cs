using Microsoft.ML.Data;

namespace SelfDissonance.Learning.Ml;

/// <summary>
/// ML.NET's view of a row. The label is an in-memory key: ML.NET reads these uint values as 0-based class indices
/// (checked in MlSchemaTests), so no MapValueToKey step is needed and prediction needs only the features.
/// </summary>
internal sealed class MlRow
{
    public float[] Features { get; set; } = [];

    public uint Label { get; set; }

    public float Weight { get; set; }

    public static SchemaDefinition Schema(ModelShape shape)
    {
        var schema = SchemaDefinition.Create(typeof(MlRow));
        schema[nameof(Features)].ColumnType = new VectorDataViewType(NumberDataViewType.Single, shape.Features);
        schema[nameof(Label)].ColumnType = new KeyDataViewType(typeof(uint), shape.Classes);
        return schema;
    }
}
