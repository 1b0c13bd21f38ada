using BenchmarkDotNet.Attributes;
using SelfDissonance.Learning;

namespace SelfDissonance.Benchmarks;

/// <summary>The dissonance math of every episode: total variation, Jensen–Shannon, and the KL of the trust region.</summary>
[MemoryDiagnoser]
public class DissonanceBenchmarks
{
    private double[] _p = [];
    private double[] _q = [];

    [Params(2, 10)]
    public int Classes { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        var random = new Random(3);
        _p = Distribution(random, Classes);
        _q = Distribution(random, Classes);
    }

    [Benchmark]
    public double TotalVariation() => Divergence.TotalVariation(_p, _q);

    [Benchmark]
    public double JensenShannon() => Divergence.JensenShannon(_p, _q);

    [Benchmark]
    public double KlClipped() => Divergence.KlClipped(_p, _q);

    private static double[] Distribution(Random random, int n)
    {
        var v = Enumerable.Range(0, n).Select(_ => random.NextDouble()).ToArray();
        var sum = v.Sum();
        return [.. v.Select(x => x / sum)];
    }
}
