using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net.Sockets;

namespace SelfDissonance.Testing;

/// <summary>
/// A child process the tests own (redis-server, Azurite, a silo): started with its output captured, stopped with
/// SIGTERM or killed with SIGKILL, never left behind.
/// </summary>
public sealed class ExternalProcess : IAsyncDisposable
{
    private readonly ConcurrentQueue<string> _output = new();
    private readonly Process _process;

    // SD_TEST_PROCESS_LOGS=folder keeps every line of every child process there (one file per process), for digging
    // into a failure past the last 500 lines.
    private StreamWriter? _logFile;

    private ExternalProcess(Process process) => _process = process;

    public int Id => _process.Id;

    public bool HasExited => _process.HasExited;

    /// <summary>The last lines the process wrote (stdout and stderr), for failure messages.</summary>
    public string Tail(int lines = 40) => string.Join('\n', _output.TakeLast(lines));

    /// <summary>The last 500 lines the process wrote (stdout and stderr).</summary>
    public IReadOnlyList<string> Lines => [.. _output];

    public static ExternalProcess Start(string fileName, IEnumerable<string> arguments, IDictionary<string, string?>? environment = null, string? workingDirectory = null)
    {
        var info = new ProcessStartInfo(fileName)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = workingDirectory ?? Environment.CurrentDirectory,
        };
        foreach (var a in arguments)
        {
            info.ArgumentList.Add(a);
        }

        foreach (var (k, v) in environment ?? new Dictionary<string, string?>())
        {
            info.Environment[k] = v;
        }

        var process = new Process { StartInfo = info, EnableRaisingEvents = true };
        var result = new ExternalProcess(process);
        process.OutputDataReceived += (_, e) => result.Capture(e.Data);
        process.ErrorDataReceived += (_, e) => result.Capture(e.Data);
        if (!process.Start())
        {
            throw new InvalidOperationException($"Could not start {fileName}.");
        }

        if (System.Environment.GetEnvironmentVariable("SD_TEST_PROCESS_LOGS") is { Length: > 0 } logs)
        {
            Directory.CreateDirectory(logs);
            result._logFile = new StreamWriter(Path.Combine(logs, $"{Path.GetFileName(fileName)}-{process.Id}.log")) { AutoFlush = true };
        }

        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return result;
    }

    /// <summary>Waits until a TCP connect to <paramref name="port"/> on loopback succeeds.</summary>
    public async Task WaitForPortAsync(int port, TimeSpan timeout, string what)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (DateTime.UtcNow < deadline)
        {
            if (_process.HasExited)
            {
                throw new InvalidOperationException($"{what} exited with code {_process.ExitCode} before listening on {port}:\n{Tail()}");
            }

            try
            {
                using var client = new TcpClient();
                await client.ConnectAsync("127.0.0.1", port);
                return;
            }
            catch (SocketException)
            {
                await Task.Delay(50);
            }
        }

        throw new TimeoutException($"{what} did not listen on {port} within {timeout}:\n{Tail()}");
    }

    /// <summary>SIGTERM, then SIGKILL if it has not exited within <paramref name="grace"/>.</summary>
    public async Task StopAsync(TimeSpan grace)
    {
        if (_process.HasExited)
        {
            return;
        }

        try
        {
            Process.Start("kill", ["-TERM", _process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)])?.WaitForExit();
            using var cts = new CancellationTokenSource(grace);
            await _process.WaitForExitAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            Kill();
        }
    }

    /// <summary>SIGKILL: the process gets no chance to clean up, as when a pod or machine dies.</summary>
    public void Kill()
    {
        try
        {
            _process.Kill(entireProcessTree: true);
            _process.WaitForExit(10_000);
        }
        catch (InvalidOperationException)
        {
        }
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync(TimeSpan.FromSeconds(10));
        _process.Dispose();
        if (_logFile is { } f)
        {
            lock (f)
            {
                f.Dispose();
            }
        }
    }

    private void Capture(string? line)
    {
        if (line is null)
        {
            return;
        }

        _output.Enqueue(line);
        if (_logFile is { } f)
        {
            lock (f)
            {
                f.WriteLine(line);
            }
        }

        while (_output.Count > 500)
        {
            _output.TryDequeue(out _);
        }
    }
}
