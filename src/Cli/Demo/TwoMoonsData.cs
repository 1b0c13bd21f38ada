using SelfDissonance.Cli.Csv;
using SelfDissonance.Client.Contracts;

namespace SelfDissonance.Cli.Demo;

/// <summary>
/// The two-moons problem (two interleaved half circles with Gaussian noise) from a seed: the same generator the tests use
/// (tests/SelfDissonance.Testing/TwoMoons.cs), so the demo's numbers are reproducible.
/// </summary>
internal static class TwoMoonsData
{
    public const string Upper = "upper";
    public const string Lower = "lower";
    public const double Noise = 0.2;

    public static IReadOnlyList<string> Features { get; } = ["x", "y"];

    public static IReadOnlyList<string> Classes { get; } = [Upper, Lower];

    public static List<LabeledRow> Generate(int count, int seed)
    {
        var random = new Random(seed);
        var rows = new List<LabeledRow>(count);
        for (var i = 0; i < count; i++)
        {
            var upper = i % 2 == 0;
            var t = random.NextDouble() * Math.PI;
            var (x, y) = upper ? (Math.Cos(t), Math.Sin(t)) : (1 - Math.Cos(t), 0.5 - Math.Sin(t));
            var features = new Dictionary<string, double>
            {
                ["x"] = Math.Round(x + (Gaussian(random) * Noise), 4),
                ["y"] = Math.Round(y + (Gaussian(random) * Noise), 4),
            };
            rows.Add(new LabeledRow(features, upper ? Upper : Lower));
        }

        // Shuffled so any prefix holds both classes in proportion.
        random.Shuffle(System.Runtime.InteropServices.CollectionsMarshal.AsSpan(rows));
        return rows;
    }

    public static List<CsvEpisode> Episodes(IEnumerable<LabeledRow> rows) =>
        [.. rows.Select((r, i) => new CsvEpisode(i + 1, r.Features!, r.Label))];

    private static double Gaussian(Random random)
    {
        // Box–Muller: System.Random has no normal sampler.
        var u1 = 1.0 - random.NextDouble();
        var u2 = random.NextDouble();
        return Math.Sqrt(-2.0 * Math.Log(u1)) * Math.Cos(2 * Math.PI * u2);
    }
}
