using System.Collections.Immutable;
using System.Text.Json;
using SelfDissonance.Tasks;

namespace SelfDissonance.Learning;

/// <summary>A write-once slice of the learning log: bootstrap rows (first segment only) and consumed events, as JSON.</summary>
public sealed record DatasetSegment(int Format, ImmutableArray<LabeledExample> Bootstrap, ImmutableArray<LearningEvent> Events)
{
    public const int CurrentFormat = 1;

    private static readonly JsonSerializerOptions s_json = new(JsonSerializerDefaults.Web);

    public byte[] ToJson() => JsonSerializer.SerializeToUtf8Bytes(this, s_json);

    public static DatasetSegment FromJson(byte[] json) =>
        JsonSerializer.Deserialize<DatasetSegment>(json, s_json) ?? throw new InvalidDataException("Empty dataset segment.");

    public static byte[] GoldenToJson(ImmutableArray<LabeledExample> golden) => JsonSerializer.SerializeToUtf8Bytes(golden, s_json);

    public static ImmutableArray<LabeledExample> GoldenFromJson(byte[] json) => JsonSerializer.Deserialize<ImmutableArray<LabeledExample>>(json, s_json);
}
