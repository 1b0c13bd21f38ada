using BenchmarkDotNet.Attributes;
using SelfDissonance.Episodes;

namespace SelfDissonance.Benchmarks;

/// <summary>
/// The in-process episode pipeline on a real silo: one episode alone (latency), and 256 in flight at once (throughput
/// per episode). Storage is the embedded default (File) or memory, so the cost of durable per-episode writes shows.
/// </summary>
[MemoryDiagnoser]
public class PipelineBenchmarks
{
    public const int InFlight = 256;

    private InProcessSilo _silo = null!;

    [Params("File", "Memory")]
    public string StateStore { get; set; } = "File";

    [GlobalSetup]
    public void Setup() => _silo = InProcessSilo.StartAsync(StateStore).GetAwaiter().GetResult();

    [GlobalCleanup]
    public void Cleanup() => _silo.DisposeAsync().AsTask().GetAwaiter().GetResult();

    [Benchmark]
    public async Task<EpisodeStatus> OneEpisode() => (await _silo.RunEpisodeAsync()).Record.Status;

    [Benchmark(OperationsPerInvoke = InFlight)]
    public async Task<int> EpisodesInFlight256()
    {
        var calls = new Task<EpisodeResult>[InFlight];
        for (var i = 0; i < InFlight; i++)
        {
            calls[i] = _silo.RunEpisodeAsync();
        }

        var results = await Task.WhenAll(calls);
        return results.Count(r => r.Record.Status == EpisodeStatus.Completed);
    }
}
