using BenchmarkDotNet.Running;
using SelfDissonance.Benchmarks;

// `pipeline [--concurrency 256] [--duration 10] [--warmup 3] [--state File|Memory]`: in-process episode throughput.
// `gc --pid N`: force a full blocking collection in a running process (to read its memory after one).
// `heap --pid N [--top 25] [--path-to TypeName]`: what a running silo's heap holds, live and garbage.
// `--smoke`: every benchmark once, in process (what CI runs). Anything else goes to BenchmarkDotNet (--filter '*', --list flat).
if (args is ["pipeline", ..])
{
    return await PipelineLoad.RunAsync(args[1..]);
}

if (args is ["gc", ..])
{
    return HeapReport.Collect(args[1..]);
}

if (args is ["heap", ..])
{
    return HeapReport.Run(args[1..]);
}

if (args is ["--smoke", ..])
{
    var summaries = BenchmarkRunner.Run(BenchmarkConfigs.All, BenchmarkConfigs.Smoke(Path.Combine(Path.GetTempPath(), "sd-bench-smoke")));
    return summaries.All(s => !s.HasCriticalValidationErrors && s.Reports.All(r => r.Success)) ? 0 : 1;
}

BenchmarkSwitcher.FromAssembly(typeof(BenchmarkConfigs).Assembly).Run(args);
return 0;
