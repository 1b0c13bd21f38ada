using SelfDissonance.Episodes;
using SelfDissonance.Testing;

namespace SelfDissonance.Benchmarks.Tests;

/// <summary>
/// A finished episode leaves silo memory at once: stored records do not pile up as activations under load, whether an
/// episode ran in its own grain (a caller's id) or in the runner (a server-made id, no activation at all).
/// </summary>
public sealed class EpisodeMemoryTests
{
    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task Finished_episodes_are_deactivated_and_stay_readable_from_storage(bool throughEpisodeGrain)
    {
        await using var silo = await InProcessSilo.StartAsync();
        var results = new List<EpisodeResult>();
        for (var round = 0; round < 10; round++)
        {
            results.AddRange(await Task.WhenAll(Enumerable.Range(0, 50).Select(_ => silo.RunEpisodeAsync(throughEpisodeGrain))));
        }

        Assert.All(results, r => Assert.Equal(EpisodeStatus.Completed, r.Record.Status));
        var management = silo.Grains.GetGrain<IManagementGrain>(0);
        var episodeType = typeof(EpisodeGrain).FullName!;
        // Without deactivation all 500 would stay for the collection age (15 minutes).
        await Eventually.ReturnsAsync(
            async () => (await management.GetSimpleGrainStatistics()).Where(s => s.GrainType.Contains(episodeType, StringComparison.Ordinal)).Sum(s => s.ActivationCount),
            count => count <= 5,
            TimeSpan.FromSeconds(10),
            "episode activations to leave");

        // Deactivated, not lost: the record comes back from storage, and the same id replays instead of running again.
        var first = results[0].Record;
        var stored = await silo.Grains.GetGrain<IEpisodeGrain>(first.Id).GetAsync();
        Assert.NotNull(stored);
        Assert.Equal((first.Id, first.Status, first.Critique!.Dissonance, first.CompletedAt), (stored.Id, stored.Status, stored.Critique!.Dissonance, stored.CompletedAt));
        Assert.Equal(first.Features.AsSpan(), stored.Features.AsSpan());
        var replay = await silo.Grains.GetGrain<IEpisodeGrain>(first.Id).RunAsync(new EpisodeRequest(first.TaskId, first.Id, first.Features, null, EpisodeSource.Sync, first.SubmittedAt));
        Assert.True(replay.Replayed);
    }
}
