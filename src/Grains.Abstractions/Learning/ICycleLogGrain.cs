using System.Collections.Immutable;
using Orleans.Concurrency;

namespace SelfDissonance.Learning;

/// <summary>
/// A task's complete learning-cycle history (keyed by task id): every cycle the learner keeps, durable and paged
/// newest first. The records live in <see cref="ICycleLogPageGrain"/>s of <see cref="PageSize"/> cycles each; this
/// grain holds only the head (newest and oldest cycle number, count), so no write grows with the log.
/// </summary>
[Alias("sd.ICycleLogGrain")]
public interface ICycleLogGrain : IGrainWithStringKey
{
    /// <summary>Cycles per page grain: cycle <c>n</c> (from 1) is in page <c>(n - 1) / PageSize</c>.</summary>
    public const int PageSize = 100;

    /// <summary>The most cycles one read returns.</summary>
    public const int MaxLimit = 500;

    public const int DefaultLimit = 50;

    /// <summary>The key of the page grain holding <paramref name="cycle"/>.</summary>
    public static string PageKey(string task, long cycle) => $"{task}/{(cycle - 1) / PageSize}";

    /// <summary>Appends cycles; idempotent by cycle number (a cycle already recorded is left as it is).</summary>
    [Alias("Append")]
    Task AppendAsync(ImmutableArray<LearningCycleResult> cycles);

    /// <summary>Up to <paramref name="limit"/> cycles numbered below <paramref name="before"/> (all when null), newest first.</summary>
    [AlwaysInterleave]
    [Alias("Read")]
    Task<CyclePage> ReadAsync(int limit, long? before);
}

/// <summary>Up to <see cref="ICycleLogGrain.PageSize"/> cycle records of one task (keyed <c>"{task}/{page}"</c>).</summary>
[Alias("sd.ICycleLogPageGrain")]
public interface ICycleLogPageGrain : IGrainWithStringKey
{
    /// <summary>Records the cycles not recorded yet; returns those it added.</summary>
    [Alias("Append")]
    Task<ImmutableArray<long>> AppendAsync(ImmutableArray<LearningCycleResult> cycles);

    /// <summary>Oldest first.</summary>
    [AlwaysInterleave]
    [Alias("Read")]
    Task<ImmutableArray<LearningCycleResult>> ReadAsync();
}

/// <summary>One page of a task's cycle history, newest first; <see cref="Next"/> is the <c>before</c> of the following page, null at the end.</summary>
[GenerateSerializer, Immutable]
public sealed record CyclePage(
    [property: Id(0)] ImmutableArray<LearningCycleResult> Cycles,
    [property: Id(1)] long? Next);
