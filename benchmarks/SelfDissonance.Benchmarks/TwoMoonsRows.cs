using SelfDissonance.Learning.Ml;
using SelfDissonance.Tasks;

namespace SelfDissonance.Benchmarks;

/// <summary>Two-moons rows in the shapes the benchmarks need, from the tests' seeded generator (linked, not copied).</summary>
internal static class TwoMoonsRows
{
    public static readonly ModelShape Shape = new(2, 2);

    public static List<LabeledExample> Generate(int count, int seed) => Testing.TwoMoons.Generate(count, seed);

    public static TaskDefinition Task(string id) => Testing.TwoMoons.Task(id);

    public static List<TrainingRow> Training(IEnumerable<LabeledExample> rows) => [.. rows.Select(r => new TrainingRow([.. r.Features], r.Label, 1f))];
}
