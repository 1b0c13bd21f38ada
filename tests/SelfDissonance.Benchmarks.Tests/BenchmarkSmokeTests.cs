using BenchmarkDotNet.Running;

namespace SelfDissonance.Benchmarks.Tests;

/// <summary>CI's smoke run: every benchmark once through BenchmarkDotNet's dry in-process job; correctness, no timing.</summary>
public sealed class BenchmarkSmokeTests
{
    [Fact]
    public void Every_benchmark_runs_once_without_an_error()
    {
        var artifacts = Directory.CreateTempSubdirectory("sd-bench-smoke-").FullName;
        try
        {
            var summaries = BenchmarkRunner.Run(BenchmarkConfigs.All, BenchmarkConfigs.Smoke(artifacts));

            Assert.Equal(BenchmarkConfigs.All.Length, summaries.Length);
            foreach (var summary in summaries)
            {
                Assert.False(summary.HasCriticalValidationErrors, string.Join("; ", summary.ValidationErrors.Select(e => e.Message)));
                Assert.NotEmpty(summary.Reports);
                Assert.All(summary.Reports, r => Assert.True(r.Success, $"{r.BenchmarkCase.DisplayInfo} failed"));
            }

            // Every [Benchmark] method of every class ran (the pipeline ones once per state store).
            var methods = BenchmarkConfigs.All.Sum(t => t.GetMethods().Count(m => m.IsDefined(typeof(BenchmarkDotNet.Attributes.BenchmarkAttribute), false)));
            Assert.True(summaries.Sum(s => s.Reports.Length) >= methods);
        }
        finally
        {
            Directory.Delete(artifacts, recursive: true);
        }
    }
}
