using System.Collections.Concurrent;
using System.Diagnostics;

namespace SelfDissonance.Learning.Fits;

/// <summary>
/// One running learning worker: requests are written to its standard input one at a time, replies read on a thread of
/// their own and handed to the request that waits for each. When the worker's output ends (it exited, or was killed)
/// every waiting request fails with <see cref="LearningWorkerException"/>, and so does any sent afterwards.
/// </summary>
internal sealed class WorkerProcess : IDisposable
{
    private readonly Process _process;
    private readonly BinaryWriter _writer;
    private readonly Lock _writing = new();
    private readonly ConcurrentDictionary<long, TaskCompletionSource<WorkerReply>> _waiting = new();
    private readonly TaskCompletionSource _ready = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly Action<WorkerProcess, string> _ended;
    private long _nextId;
    private volatile string? _endReason;

    private WorkerProcess(Process process, Action<WorkerProcess, string> ended)
    {
        _process = process;
        _ended = ended;
        Pid = process.Id;
        _writer = new BinaryWriter(new BufferedStream(process.StandardInput.BaseStream, 1 << 16));
        new Thread(ReadReplies) { IsBackground = true, Name = "sd-learning-worker-replies" }.Start();
    }

    public int Pid { get; }

    public bool HasEnded => _endReason is not null;

    /// <summary>Starts the worker: its standard error goes to <paramref name="error"/> line by line, the reason it ended to <paramref name="ended"/>.</summary>
    public static WorkerProcess Start(LearningWorkerCommand command, Action<int, string> error, Action<WorkerProcess, string> ended)
    {
        var info = new ProcessStartInfo(command.FileName, command.Arguments)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };

        // Workstation, non-concurrent collections: they run on the fitting thread at its lowered priority, with no
        // collector threads per core competing with the silo's serving threads, as a server-GC worker would start.
        info.Environment["DOTNET_gcServer"] = "0";
        info.Environment["DOTNET_gcConcurrent"] = "0";
        var process = Process.Start(info) ?? throw new InvalidOperationException($"'{command}' did not start a process.");
        var pid = process.Id;
        process.ErrorDataReceived += (_, e) =>
        {
            if (!string.IsNullOrEmpty(e.Data))
            {
                error(pid, e.Data);
            }
        };
        process.BeginErrorReadLine();
        return new WorkerProcess(process, ended);
    }

    /// <summary>Whether the worker said it speaks this protocol within <paramref name="timeout"/>.</summary>
    public bool WaitReady(TimeSpan timeout)
    {
        try
        {
            return _ready.Task.Wait(timeout);
        }
        catch (AggregateException)
        {
            return false;
        }
    }

    /// <summary>Sends a request (its id is assigned here) and blocks until the worker replies to it.</summary>
    public WorkerReply Call(byte kind, string trainer, Ml.ModelShape shape, int seed, IReadOnlyList<Ml.TrainingRow> rows, CancellationToken cancellationToken)
    {
        var id = Interlocked.Increment(ref _nextId);
        var reply = new TaskCompletionSource<WorkerReply>(TaskCreationOptions.RunContinuationsAsynchronously);
        _waiting[id] = reply;
        try
        {
            if (_endReason is { } reason)
            {
                throw Ended(reason);
            }

            try
            {
                lock (_writing)
                {
                    WorkerProtocol.WriteRequest(_writer, new WorkerRequest(id, kind, trainer, shape, seed, rows));
                }
            }
            catch (IOException e)
            {
                End("it stopped reading its requests");
                throw new LearningWorkerException($"The learning worker (pid {Pid}) stopped reading its requests.", e);
            }

            reply.Task.Wait(cancellationToken);
            return reply.Task.Result;
        }
        catch (AggregateException e) when (e.InnerException is LearningWorkerException inner)
        {
            throw inner;
        }
        finally
        {
            _waiting.TryRemove(id, out _);
        }
    }

    public void Dispose()
    {
        End("it was stopped");
        try
        {
            // A worker reads its input to the end and exits; one in the middle of a fit is stopped here.
            _process.StandardInput.Close();
            _process.Kill(entireProcessTree: true);
        }
        catch (Exception e) when (e is InvalidOperationException or IOException or System.ComponentModel.Win32Exception)
        {
            // Already gone.
        }

        _process.Dispose();
    }

    private void ReadReplies()
    {
        try
        {
            var reader = new BinaryReader(new BufferedStream(_process.StandardOutput.BaseStream, 1 << 16));
            var hello = reader.ReadString();
            if (hello != WorkerProtocol.Hello)
            {
                End($"it greeted with '{hello}', not '{WorkerProtocol.Hello}'");
                return;
            }

            _ready.TrySetResult();
            while (true)
            {
                var reply = WorkerProtocol.ReadReply(reader);
                if (_waiting.TryGetValue(reply.Id, out var waiting))
                {
                    waiting.TrySetResult(reply);
                }
            }
        }
        catch (Exception e) when (e is EndOfStreamException or IOException or ObjectDisposedException or InvalidOperationException)
        {
            if (!HasEnded)
            {
                End(_process.WaitForExit(TimeSpan.FromSeconds(5)) ? $"it exited with code {_process.ExitCode}" : "its output ended");
            }
        }
    }

    private void End(string reason)
    {
        if (Interlocked.CompareExchange(ref _endReason, reason, null) is not null)
        {
            return;
        }

        var error = Ended(reason);
        _ready.TrySetException(error);
        foreach (var waiting in _waiting.Values)
        {
            waiting.TrySetException(error);
        }

        _ended(this, reason);
    }

    private LearningWorkerException Ended(string reason) => new($"The learning worker (pid {Pid}) ended before it replied: {reason}.");
}
