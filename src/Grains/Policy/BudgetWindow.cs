using System.Collections.Immutable;

namespace SelfDissonance.Policy;

/// <summary>
/// Rolling-hour counter of learnable episodes with d above D_target, kept as 60 one-minute buckets so its state is
/// small and serializable. An immutable value: every change returns a new window.
/// </summary>
[GenerateSerializer, Immutable]
public sealed record BudgetWindow(
    [property: Id(0)] long FirstMinute,
    [property: Id(1)] ImmutableArray<int> Buckets)
{
    public const int Minutes = 60;

    public static BudgetWindow Empty { get; } = new(0, ImmutableArray.Create(new int[Minutes]));

    /// <summary>Episodes counted in the hour ending at <paramref name="now"/>.</summary>
    public int Count(DateTimeOffset now) => Advance(now).Buckets.Sum();

    /// <summary>Counts one episode if fewer than <paramref name="limit"/> were counted in the last hour.</summary>
    public bool TryConsume(DateTimeOffset now, int limit, out BudgetWindow next)
    {
        next = Advance(now);
        if (next.Buckets.Sum() >= limit)
        {
            return false;
        }

        var slot = (int)Math.Clamp(MinuteOf(now) - next.FirstMinute, 0, Minutes - 1);
        next = next with { Buckets = next.Buckets.SetItem(slot, next.Buckets[slot] + 1) };
        return true;
    }

    /// <summary>Counts <paramref name="count"/> events at <paramref name="now"/>.</summary>
    public BudgetWindow Add(DateTimeOffset now, long count)
    {
        var next = Advance(now);
        var slot = (int)Math.Clamp(MinuteOf(now) - next.FirstMinute, 0, Minutes - 1);
        return next with { Buckets = next.Buckets.SetItem(slot, (int)Math.Min(int.MaxValue, next.Buckets[slot] + count)) };
    }

    /// <summary>Shifts the window so its last bucket is the minute of <paramref name="now"/>; older minutes drop out.</summary>
    public BudgetWindow Advance(DateTimeOffset now)
    {
        var minute = MinuteOf(now);
        var first = minute - Minutes + 1;
        if (Buckets.IsDefaultOrEmpty || first >= FirstMinute + Minutes)
        {
            return new BudgetWindow(first, ImmutableArray.Create(new int[Minutes]));
        }

        if (first <= FirstMinute)
        {
            // Clock went backwards or did not move: keep the window as it is.
            return this;
        }

        var shift = (int)(first - FirstMinute);
        var buckets = new int[Minutes];
        for (var i = shift; i < Minutes; i++)
        {
            buckets[i - shift] = Buckets[i];
        }

        return new BudgetWindow(first, ImmutableArray.Create(buckets));
    }

    private static long MinuteOf(DateTimeOffset t) => t.ToUnixTimeSeconds() / 60;
}
