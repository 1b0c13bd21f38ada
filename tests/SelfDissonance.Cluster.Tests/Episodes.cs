using System.Collections.Immutable;
using SelfDissonance.Episodes;
using SelfDissonance.Tasks;

namespace SelfDissonance.Cluster.Tests;

/// <summary>Runs episodes through the cluster client exactly as the gateway does.</summary>
internal static class Episodes
{
    public static Task<EpisodeResult> RunAsync(IGrainFactory grains, string task, string id, ImmutableArray<float> features, string? label = null) =>
        grains.GetGrain<IEpisodeGrain>(id).RunAsync(new EpisodeRequest(task, id, features, label, EpisodeSource.Sync, DateTimeOffset.UtcNow));

    public static Task<EpisodeResult> RunAsync(IGrainFactory grains, string task, string id, LabeledExample row, bool withLabel) =>
        RunAsync(grains, task, id, row.Features, withLabel ? Testing.TwoMoons.Classes[row.Label] : null);

    /// <summary>Runs many episodes with a few in flight at once (bounded, so a 2-core machine is not starved).</summary>
    public static async Task<List<EpisodeResult>> RunManyAsync(IGrainFactory grains, string task, IReadOnlyList<(string Id, LabeledExample Row, bool WithLabel)> items, int parallelism = 8)
    {
        var results = new EpisodeResult[items.Count];
        await Parallel.ForEachAsync(Enumerable.Range(0, items.Count), new ParallelOptions { MaxDegreeOfParallelism = parallelism }, async (i, _) =>
            results[i] = await RunAsync(grains, task, items[i].Id, items[i].Row, items[i].WithLabel));
        return [.. results];
    }
}
