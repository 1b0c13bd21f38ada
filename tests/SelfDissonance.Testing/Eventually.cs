using System.Diagnostics;

namespace SelfDissonance.Testing;

/// <summary>Polls a condition until it holds or a deadline passes: for effects that travel over streams.</summary>
public static class Eventually
{
    public static async Task<T> ReturnsAsync<T>(Func<Task<T>> probe, Func<T, bool> condition, TimeSpan timeout, string what)
    {
        var clock = Stopwatch.StartNew();
        T last;
        do
        {
            last = await probe();
            if (condition(last))
            {
                return last;
            }

            await Task.Delay(25);
        }
        while (clock.Elapsed < timeout);

        throw new TimeoutException($"{what} did not happen within {timeout.TotalSeconds:0.#} s; last value: {System.Text.Json.JsonSerializer.Serialize(last)}");
    }

    /// <summary>Waits until <paramref name="condition"/> holds (it reads state another task fills, such as a watcher's events).</summary>
    public static async Task TrueAsync(Func<bool> condition, TimeSpan timeout, string what)
    {
        var clock = Stopwatch.StartNew();
        while (!condition())
        {
            if (clock.Elapsed > timeout)
            {
                throw new TimeoutException($"{what} did not happen within {timeout.TotalSeconds:0.#} s");
            }

            await Task.Delay(50);
        }
    }
}
