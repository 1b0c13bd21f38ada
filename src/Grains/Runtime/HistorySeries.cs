using System.Collections.Immutable;

namespace SelfDissonance.Runtime;

/// <summary>
/// A bounded series that keeps a task's whole life in view: when full, every other point is dropped (the resolution
/// halves) instead of the oldest, so old and new history both stay, and a state write stays small.
/// </summary>
public static class HistorySeries
{
    public const int MaxPoints = 720;

    public static ImmutableList<T> Append<T>(ImmutableList<T> series, IEnumerable<T> points)
    {
        var builder = series.ToBuilder();
        foreach (var point in points)
        {
            if (builder.Count >= MaxPoints)
            {
                var thinned = builder.Where((_, i) => i % 2 == 1).ToList();
                builder.Clear();
                builder.AddRange(thinned);
            }

            builder.Add(point);
        }

        return builder.ToImmutable();
    }
}
