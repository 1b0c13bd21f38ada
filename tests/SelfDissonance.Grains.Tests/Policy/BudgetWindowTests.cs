using SelfDissonance.Policy;

namespace SelfDissonance.Grains.Tests.Policy;

public sealed class BudgetWindowTests
{
    private static readonly DateTimeOffset s_t0 = new(2025, 3, 1, 12, 0, 30, TimeSpan.Zero);

    [Fact]
    public void Empty_window_counts_nothing()
    {
        Assert.Equal(0, BudgetWindow.Empty.Count(s_t0));
    }

    [Fact]
    public void Consumes_up_to_the_limit_then_refuses()
    {
        var window = BudgetWindow.Empty;
        for (var i = 0; i < 3; i++)
        {
            Assert.True(window.TryConsume(s_t0.AddSeconds(i), 3, out window), $"episode {i} should fit in a budget of 3");
        }

        Assert.False(window.TryConsume(s_t0.AddSeconds(3), 3, out var refused));
        Assert.Equal(3, window.Count(s_t0.AddSeconds(3)));
        Assert.Equal(3, refused.Count(s_t0.AddSeconds(3)));
    }

    [Fact]
    public void Limit_zero_refuses_everything()
    {
        Assert.False(BudgetWindow.Empty.TryConsume(s_t0, 0, out var next));
        Assert.Equal(0, next.Count(s_t0));
    }

    [Fact]
    public void Windows_are_immutable_values()
    {
        var before = BudgetWindow.Empty;

        Assert.True(before.TryConsume(s_t0, 10, out var after));

        Assert.Equal(0, before.Count(s_t0));
        Assert.Equal(1, after.Count(s_t0));
    }

    [Fact]
    public void Consumption_is_still_counted_fifty_nine_minutes_later()
    {
        Assert.True(BudgetWindow.Empty.TryConsume(s_t0, 1, out var window));

        Assert.Equal(1, window.Count(s_t0.AddMinutes(59)));
        Assert.False(window.TryConsume(s_t0.AddMinutes(59), 1, out _));
    }

    [Fact]
    public void Consumption_is_gone_sixty_one_minutes_later()
    {
        Assert.True(BudgetWindow.Empty.TryConsume(s_t0, 1, out var window));

        Assert.Equal(0, window.Count(s_t0.AddMinutes(61)));
        Assert.True(window.TryConsume(s_t0.AddMinutes(61), 1, out var again));
        Assert.Equal(1, again.Count(s_t0.AddMinutes(61)));
    }

    [Fact]
    public void Only_the_last_hour_counts_when_consumption_is_spread_over_two_hours()
    {
        var window = BudgetWindow.Empty;
        for (var minute = 0; minute <= 120; minute += 10)
        {
            Assert.True(window.TryConsume(s_t0.AddMinutes(minute), 1000, out window));
        }

        // 13 episodes at minutes 0, 10, …, 120; the hour ending at minute 120 holds those at 70, 80, …, 120.
        Assert.Equal(6, window.Count(s_t0.AddMinutes(120)));
    }

    [Fact]
    public void A_gap_longer_than_the_window_starts_from_empty()
    {
        var window = BudgetWindow.Empty;
        for (var i = 0; i < 5; i++)
        {
            Assert.True(window.TryConsume(s_t0.AddMinutes(i), 5, out window));
        }

        Assert.False(window.TryConsume(s_t0.AddMinutes(5), 5, out _));

        var later = s_t0.AddHours(3);
        Assert.Equal(0, window.Count(later));
        Assert.True(window.TryConsume(later, 5, out var fresh));
        Assert.Equal(1, fresh.Count(later));
    }

    [Fact]
    public void Budget_frees_up_gradually_as_old_minutes_leave_the_window()
    {
        var window = BudgetWindow.Empty;
        Assert.True(window.TryConsume(s_t0, 2, out window));
        Assert.True(window.TryConsume(s_t0.AddMinutes(30), 2, out window));
        Assert.False(window.TryConsume(s_t0.AddMinutes(45), 2, out _));

        // At +61 minutes the first episode has left, the one at +30 has not.
        Assert.Equal(1, window.Count(s_t0.AddMinutes(61)));
        Assert.True(window.TryConsume(s_t0.AddMinutes(61), 2, out window));
        Assert.False(window.TryConsume(s_t0.AddMinutes(62), 2, out _));
    }
}
