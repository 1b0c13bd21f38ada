using BenchmarkDotNet.Attributes;
using SelfDissonance.Policy;
using SelfDissonance.Safety;
using SelfDissonance.Tasks;

namespace SelfDissonance.Benchmarks;

/// <summary>The safety gate's rules (dissonance bound, out-of-distribution z-scores, label check) for one episode.</summary>
[MemoryDiagnoser]
public class GateBenchmarks
{
    private TaskDefinition _task = null!;
    private FeatureStatistics _statistics = null!;
    private float[] _inDistribution = [];
    private float[] _outOfDistribution = [];

    [GlobalSetup]
    public void Setup()
    {
        var rows = TwoMoonsRows.Generate(2_000, 1);
        _task = TwoMoonsRows.Task("bench");
        _statistics = FeatureStatisticsCalculator.Compute(rows.Select(r => r.Features.ToArray()));
        _inDistribution = [0.5f, 0.25f];
        _outOfDistribution = [50f, 0.25f];
    }

    [Benchmark(Baseline = true)]
    public int Allowed() => SafetyRules.Evaluate(_task, _statistics, TaskPolicy.Default, _inDistribution, "upper", 0.05, out _).Length;

    [Benchmark]
    public int Blocked() => SafetyRules.Evaluate(_task, _statistics, TaskPolicy.Default, _outOfDistribution, "sideways", 0.9, out _).Length;
}
