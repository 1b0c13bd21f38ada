using SelfDissonance.Learning.Ml;

namespace SelfDissonance.Grains.Tests.Ml;

/// <summary>Well separated Gaussian clusters in the plane, one per class, generated from a fixed seed.</summary>
internal static class Clusters
{
    /// <summary><paramref name="centers"/>[k] is the centre of class k.</summary>
    public static List<TrainingRow> Generate(IReadOnlyList<(float X, float Y)> centers, int perClass, int seed, double spread = 0.4)
    {
        var random = new Random(seed);
        var rows = new List<TrainingRow>(centers.Count * perClass);
        for (var i = 0; i < perClass; i++)
        {
            for (var k = 0; k < centers.Count; k++)
            {
                var x = centers[k].X + (Gaussian(random) * spread);
                var y = centers[k].Y + (Gaussian(random) * spread);
                rows.Add(new TrainingRow([(float)x, (float)y], k, 1f));
            }
        }

        random.Shuffle(System.Runtime.InteropServices.CollectionsMarshal.AsSpan(rows));
        return rows;
    }

    private static double Gaussian(Random random)
    {
        var u1 = 1.0 - random.NextDouble();
        var u2 = random.NextDouble();
        return Math.Sqrt(-2.0 * Math.Log(u1)) * Math.Cos(2 * Math.PI * u2);
    }
}
