using System.Diagnostics.Tracing;
using System.Globalization;
using Microsoft.Diagnostics.NETCore.Client;
using Microsoft.Diagnostics.Runtime;

namespace SelfDissonance.Benchmarks;

/// <summary>
/// <c>heap --pid N [--top 25] [--path-to TypeName] [--keep-dump]</c>: what a running silo's managed heap holds.
/// dotnet-gcdump and dotnet-dump are not in this machine's package source, so this takes a heap dump through the
/// runtime's diagnostics port (Microsoft.Diagnostics.NETCore.Client) and reads it with ClrMD (Microsoft.Diagnostics.Runtime).
/// Objects are split into live (reachable from a GC root or a static field, found by walking the references) and garbage
/// not yet collected, which the "heap after the last collection" gauge cannot tell apart.
/// </summary>
internal static class HeapReport
{
    /// <summary>
    /// <c>gc --pid N</c>: a full blocking collection in that process, the way dotnet-gcdump forces one: an EventPipe
    /// session with the runtime's GCHeapCollect keyword. An idle process allocates too little to collect on its own,
    /// so without this its "heap after the last collection" still counts what became garbage while it was busy.
    /// </summary>
    public static int Collect(string[] args)
    {
        if (!TryPid(args, out var pid))
        {
            return 2;
        }

        const long gcKeyword = 0x1, gcHeapCollectKeyword = 0x800000;
        var client = new DiagnosticsClient(pid);
        using var session = client.StartEventPipeSession(
            [new EventPipeProvider("Microsoft-Windows-DotNETRuntime", EventLevel.Informational, gcKeyword | gcHeapCollectKeyword)],
            requestRundown: false);
        // The collection runs when the session starts; read until the runtime reports a gen-2 GC has ended would need a
        // trace parser, so give it a moment (a full collection of a few hundred MB takes well under a second here).
        var drain = Task.Run(() => session.EventStream.CopyTo(Stream.Null));
        Thread.Sleep(TimeSpan.FromSeconds(2));
        session.Stop();
        drain.Wait(TimeSpan.FromSeconds(10));
        Console.Error.WriteLine($"gc: full collection forced in process {pid}");
        return 0;
    }

    private static bool TryPid(string[] args, out int pid)
    {
        if (Value(args, "--pid") is { } text && int.TryParse(text, CultureInfo.InvariantCulture, out pid))
        {
            return true;
        }

        Console.Error.WriteLine("--pid <process id of a .NET process> is required.");
        pid = 0;
        return false;
    }

    public static int Run(string[] args, TextWriter? output = null)
    {
        output ??= Console.Out;
        if (!TryPid(args, out var pid))
        {
            return 2;
        }

        var top = int.TryParse(Value(args, "--top"), CultureInfo.InvariantCulture, out var t) ? t : 25;
        var pathTo = Value(args, "--path-to");
        var dump = Path.Combine(Path.GetTempPath(), $"sd-heap-{pid}-{DateTime.UtcNow:yyyyMMddHHmmss}.dmp");
        Console.Error.WriteLine($"heap: writing a heap dump of process {pid} to {dump} ...");
        try
        {
            new DiagnosticsClient(pid).WriteDump(DumpType.WithHeap, dump);
            Console.Error.WriteLine($"heap: {new FileInfo(dump).Length / 1048576} MB written; walking the heap ...");
            using var target = DataTarget.LoadDump(dump);
            var clr = target.ClrVersions[0];
            // The DAC beside the target's libcoreclr.so is its own (the dump carries no version to match it against); ClrMD
            // otherwise wants a signed one from a symbol server, which this machine cannot reach.
            var dac = Path.Combine(Path.GetDirectoryName(clr.ModuleInfo.FileName) ?? "", "libmscordaccore.so");
            using var runtime = File.Exists(dac) ? clr.CreateRuntime(dac, ignoreMismatch: true) : clr.CreateRuntime();
            Report(runtime, top, pathTo, output);
            return 0;
        }
        catch (Exception e) when (e is ServerNotAvailableException or UnsupportedCommandException or DiagnosticsClientException)
        {
            Console.Error.WriteLine($"heap: could not dump process {pid}: {e.Message}");
            return 1;
        }
        finally
        {
            if (!args.Contains("--keep-dump"))
            {
                File.Delete(dump);
            }
        }
    }

    private static void Report(ClrRuntime runtime, int top, string? pathTo, TextWriter output)
    {
        var heap = runtime.Heap;
        // parent of each live object (0 for a root), so --path-to can print why an object is alive.
        var parent = new Dictionary<ulong, ulong>();
        // Breadth first, so the chain printed for --path-to is a shortest one.
        var pending = new Queue<ulong>();
        foreach (var address in heap.EnumerateRoots().Select(r => r.Object.Address).Concat(StaticRoots(runtime)))
        {
            if (address != 0 && parent.TryAdd(address, 0))
            {
                pending.Enqueue(address);
            }
        }

        while (pending.Count > 0)
        {
            var obj = heap.GetObject(pending.Dequeue());
            if (!obj.IsValid)
            {
                continue;
            }

            foreach (var child in obj.EnumerateReferenceAddresses(carefully: false, considerDependantHandles: true))
            {
                if (child != 0 && parent.TryAdd(child, obj.Address))
                {
                    pending.Enqueue(child);
                }
            }
        }

        var live = new Dictionary<string, (long Count, long Bytes)>();
        long liveBytes = 0, deadBytes = 0, liveCount = 0, deadCount = 0;
        foreach (var obj in heap.EnumerateObjects())
        {
            if (!obj.IsValid || obj.IsFree)
            {
                continue;
            }

            var size = (long)obj.Size;
            if (!parent.ContainsKey(obj.Address))
            {
                deadBytes += size;
                deadCount++;
                continue;
            }

            liveBytes += size;
            liveCount++;
            var name = obj.Type?.Name ?? "?";
            live[name] = live.TryGetValue(name, out var v) ? (v.Count + 1, v.Bytes + size) : (1, size);
        }

        output.WriteLine($"live: {liveCount:N0} objects, {liveBytes / 1048576.0:N1} MB; garbage not yet collected: {deadCount:N0} objects, {deadBytes / 1048576.0:N1} MB");
        output.WriteLine($"{"MB",10} {"objects",12}  type (live objects only, shallow size)");
        foreach (var (name, (count, bytes)) in live.OrderByDescending(kv => kv.Value.Bytes).Take(top))
        {
            output.WriteLine($"{bytes / 1048576.0,10:N1} {count,12:N0}  {name}");
        }

        if (pathTo is null)
        {
            return;
        }

        // Who holds the live objects whose type name contains pathTo: their bytes grouped by the chain of the three
        // referrers above them, then the shortest chain from the largest one to its root.
        var matching = heap.EnumerateObjects()
            .Where(o => o.IsValid && o.Type?.Name?.Contains(pathTo, StringComparison.Ordinal) == true && parent.ContainsKey(o.Address))
            .ToList();
        if (matching.Count == 0)
        {
            output.WriteLine($"no live object of a type containing '{pathTo}'");
            return;
        }

        string TypeAt(ulong address) => address == 0 ? "(root)" : heap.GetObject(address).Type?.Name ?? "?";
        IEnumerable<ulong> Referrers(ulong address)
        {
            while (address != 0)
            {
                address = parent[address];
                yield return address;
            }
        }

        output.WriteLine($"held by (referrer <- its referrer <- ...), live '{pathTo}' objects:");
        foreach (var group in matching
            .GroupBy(o => string.Join(" <- ", Referrers(o.Address).Take(3).Select(TypeAt)))
            .Select(g => (Chain: g.Key, Count: g.Count(), Bytes: g.Sum(o => (long)o.Size)))
            .OrderByDescending(g => g.Bytes)
            .Take(top))
        {
            output.WriteLine($"{group.Bytes / 1048576.0,10:N1} {group.Count,12:N0}  {group.Chain}");
        }

        var largest = matching.MaxBy(o => o.Size);
        output.WriteLine($"why the largest, {largest.Size:N0} B, is alive (object first, at most 20 steps toward its root):");
        var steps = 0;
        for (var address = largest.Address; address != 0 && steps++ < 20; address = parent[address])
        {
            output.WriteLine($"  {TypeAt(address)} ({heap.GetObject(address).Size:N0} B)");
        }
    }

    /// <summary>
    /// Objects static fields refer to. ClrMD's root enumeration does not report .NET 10's statics, so without these
    /// everything only a static field holds would count as garbage (HeapReportTests sees that).
    /// Statics of generic instantiations are not in the type-definition maps and stay unreported.
    /// </summary>
    private static IEnumerable<ulong> StaticRoots(ClrRuntime runtime)
    {
        foreach (var module in runtime.EnumerateModules())
        {
            foreach (var (methodTable, _) in module.EnumerateTypeDefToMethodTableMap())
            {
                var type = runtime.GetTypeByMethodTable(methodTable);
                if (type is null)
                {
                    continue;
                }

                foreach (var field in type.StaticFields)
                {
                    if (!field.IsObjectReference)
                    {
                        continue;
                    }

                    foreach (var domain in runtime.AppDomains)
                    {
                        var value = field.ReadObject(domain);
                        if (value.Address != 0)
                        {
                            yield return value.Address;
                        }
                    }
                }
            }
        }
    }

    private static string? Value(string[] args, string name)
    {
        var i = Array.IndexOf(args, name);
        return i >= 0 && i + 1 < args.Length ? args[i + 1] : null;
    }
}
