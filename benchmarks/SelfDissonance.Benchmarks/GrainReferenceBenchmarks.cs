using BenchmarkDotNet.Attributes;
using SelfDissonance.Episodes;

namespace SelfDissonance.Benchmarks;

/// <summary>
/// What making a grain reference costs on a real silo: an episode makes five (the runner, proposer, critic, gate and
/// the episode grain its record belongs to), and Orleans resolves the grain interface's type each time.
/// </summary>
[MemoryDiagnoser]
public class GrainReferenceBenchmarks
{
    private InProcessSilo _silo = null!;
    private int _next;

    [GlobalSetup]
    public void Setup() => _silo = InProcessSilo.StartAsync("Memory").GetAwaiter().GetResult();

    [GlobalCleanup]
    public void Cleanup() => _silo.DisposeAsync().AsTask().GetAwaiter().GetResult();

    [Benchmark]
    public IProposerGrain StatelessWorkerReference() => _silo.Grains.GetGrain<IProposerGrain>(0);

    [Benchmark]
    public IEpisodeGrain EpisodeGrainReference() => _silo.Grains.GetGrain<IEpisodeGrain>("bench-ref-" + _next++);
}
