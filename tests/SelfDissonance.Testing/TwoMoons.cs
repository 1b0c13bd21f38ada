using System.Collections.Immutable;
using SelfDissonance.Tasks;

namespace SelfDissonance.Testing;

/// <summary>The two-moons problem (two interleaved half circles with Gaussian noise), generated from a seed.</summary>
public static class TwoMoons
{
    public static readonly ImmutableArray<string> Features = ["x", "y"];
    public static readonly ImmutableArray<string> Classes = ["upper", "lower"];

    public static List<LabeledExample> Generate(int count, int seed, double noise = 0.2)
    {
        var random = new Random(seed);
        var rows = new List<LabeledExample>(count);
        for (var i = 0; i < count; i++)
        {
            var label = i % 2;
            var t = random.NextDouble() * Math.PI;
            var (x, y) = label == 0 ? (Math.Cos(t), Math.Sin(t)) : (1 - Math.Cos(t), 0.5 - Math.Sin(t));
            rows.Add(new LabeledExample([(float)(x + Gaussian(random) * noise), (float)(y + Gaussian(random) * noise)], label));
        }

        // Shuffle so any prefix holds both classes in proportion.
        random.Shuffle(System.Runtime.InteropServices.CollectionsMarshal.AsSpan(rows));
        return rows;
    }

    /// <summary>A task definition with the two-moons schema.</summary>
    public static TaskDefinition Task(string id) => new(id, Features, Classes, DateTimeOffset.UtcNow);

    private static double Gaussian(Random random)
    {
        // Box–Muller: System.Random has no normal sampler.
        var u1 = 1.0 - random.NextDouble();
        var u2 = random.NextDouble();
        return Math.Sqrt(-2.0 * Math.Log(u1)) * Math.Cos(2 * Math.PI * u2);
    }
}
