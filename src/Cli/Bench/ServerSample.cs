using System.Globalization;

namespace SelfDissonance.Cli.Bench;

/// <summary>One scrape of a silo's Prometheus endpoint: the process's CPU seconds and working set (.NET's System.Runtime meter).</summary>
internal sealed record ServerSample(DateTimeOffset At, double CpuSeconds, long WorkingSetBytes)
{
    public const string CpuMetric = "dotnet_process_cpu_time_seconds_total";
    public const string WorkingSetMetric = "dotnet_process_memory_working_set_bytes";

    /// <summary>Reads the two series from Prometheus text; null when the scrape lacks them.</summary>
    public static ServerSample? Parse(string text, DateTimeOffset at)
    {
        double? cpu = null;
        long? workingSet = null;
        foreach (var raw in text.Split('\n'))
        {
            var line = raw.Trim();
            if (line.StartsWith(CpuMetric, StringComparison.Ordinal) && Value(line, CpuMetric) is { } c)
            {
                // One series per cpu.mode (user, system): the process's CPU time is their sum.
                cpu = (cpu ?? 0) + c;
            }
            else if (line.StartsWith(WorkingSetMetric, StringComparison.Ordinal) && Value(line, WorkingSetMetric) is { } w)
            {
                workingSet = (long)w;
            }
        }

        return cpu is { } cpuSeconds && workingSet is { } bytes ? new ServerSample(at, cpuSeconds, bytes) : null;
    }

    private static double? Value(string line, string name)
    {
        var rest = line[name.Length..];
        if (rest.Length == 0 || (rest[0] != '{' && rest[0] != ' '))
        {
            return null;
        }

        var close = rest.LastIndexOf('}');
        var fields = (close >= 0 ? rest[(close + 1)..] : rest).Split(' ', StringSplitOptions.RemoveEmptyEntries);
        return fields.Length > 0 && double.TryParse(fields[0], NumberStyles.Float, CultureInfo.InvariantCulture, out var v) ? v : null;
    }
}
