using System.Collections.Immutable;
using SelfDissonance.Learning.Ml;
using SelfDissonance.Tasks;

namespace SelfDissonance.Benchmarks;

/// <summary>Two-moons rows from a seed (the generator the tests and the demo use), in the shapes the benchmarks need.</summary>
internal static class TwoMoonsRows
{
    public static readonly ImmutableArray<string> Features = ["x", "y"];
    public static readonly ImmutableArray<string> Classes = ["upper", "lower"];
    public static readonly ModelShape Shape = new(2, 2);

    public static List<LabeledExample> Generate(int count, int seed)
    {
        var random = new Random(seed);
        var rows = new List<LabeledExample>(count);
        for (var i = 0; i < count; i++)
        {
            var label = i % 2;
            var t = random.NextDouble() * Math.PI;
            var (x, y) = label == 0 ? (Math.Cos(t), Math.Sin(t)) : (1 - Math.Cos(t), 0.5 - Math.Sin(t));
            rows.Add(new LabeledExample([(float)(x + (Gaussian(random) * 0.2)), (float)(y + (Gaussian(random) * 0.2))], label));
        }

        return rows;
    }

    public static TaskDefinition Task(string id) => new(id, Features, Classes, DateTimeOffset.UtcNow);

    public static List<TrainingRow> Training(IEnumerable<LabeledExample> rows) => [.. rows.Select(r => new TrainingRow([.. r.Features], r.Label, 1f))];

    private static double Gaussian(Random random)
    {
        var u1 = 1.0 - random.NextDouble();
        var u2 = random.NextDouble();
        return Math.Sqrt(-2.0 * Math.Log(u1)) * Math.Cos(2 * Math.PI * u2);
    }
}
