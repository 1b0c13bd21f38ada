using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Toolchains.InProcess.NoEmit;

namespace SelfDissonance.Benchmarks;

/// <summary>The smoke configuration CI uses: every benchmark once, in this process, no timing (correctness only).</summary>
public static class BenchmarkConfigs
{
    public static readonly Type[] All =
    [
        typeof(DissonanceBenchmarks),
        typeof(GateBenchmarks),
        typeof(PredictionBenchmarks),
        typeof(SerializationBenchmarks),
        typeof(PipelineBenchmarks),
        typeof(GrainReferenceBenchmarks),
    ];

    public static IConfig Smoke(string artifacts) => ManualConfig.CreateMinimumViable()
        .AddJob(Job.Dry.WithToolchain(InProcessNoEmitToolchain.Instance))
        .WithArtifactsPath(artifacts)
        .WithOptions(ConfigOptions.DisableLogFile);
}
