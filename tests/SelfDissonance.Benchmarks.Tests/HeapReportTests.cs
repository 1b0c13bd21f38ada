using System.Text.RegularExpressions;

namespace SelfDissonance.Benchmarks.Tests;

/// <summary><c>heap</c> and <c>gc</c>, the idle-memory benchmark's tools, pointed at this test process.</summary>
public sealed partial class HeapReportTests
{
    private static readonly List<HeapProbe> s_kept = [.. Enumerable.Range(0, 30_000).Select(i => new HeapProbe(i))];

    [Fact]
    public void The_heap_report_counts_the_live_objects_of_a_type_and_shows_who_holds_them()
    {
        Assert.Equal(30_000, s_kept.Count);
        Assert.Equal(0, HeapReport.Collect(["--pid", Environment.ProcessId.ToString(System.Globalization.CultureInfo.InvariantCulture)]));
        var output = new StringWriter();

        var exit = HeapReport.Run(["--pid", Environment.ProcessId.ToString(System.Globalization.CultureInfo.InvariantCulture), "--top", "100000", "--path-to", nameof(HeapProbe)], output);

        var text = output.ToString();
        Assert.True(exit == 0, text);
        Assert.Matches(LiveLine(), text);
        var probe = text.Split('\n').SingleOrDefault(l => l.EndsWith("  " + typeof(HeapProbe).FullName, StringComparison.Ordinal));
        Assert.True(probe is not null, text);
        Assert.Equal("30,000", probe.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1]);
        // The probes' referrer chain: the list's array, then the list itself.
        Assert.Contains($"{typeof(HeapProbe).FullName}[] <- System.Collections.Generic.List<{typeof(HeapProbe).FullName}>", text, StringComparison.Ordinal);
        GC.KeepAlive(s_kept);
    }

    [Fact]
    public void A_process_that_does_not_exist_is_a_clear_error()
    {
        Assert.Equal(2, HeapReport.Run(["--top", "3"]));
        Assert.Equal(1, HeapReport.Run(["--pid", "999999"], TextWriter.Null));
    }

    [GeneratedRegex(@"^live: [\d,]+ objects, [\d.,]+ MB; garbage not yet collected: [\d,]+ objects", RegexOptions.Multiline)]
    private static partial Regex LiveLine();

    private sealed record HeapProbe(int Value);
}
