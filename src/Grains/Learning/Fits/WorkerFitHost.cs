using System.Diagnostics;
using Microsoft.Extensions.Logging;
using SelfDissonance.Learning.Ml;

namespace SelfDissonance.Learning.Fits;

/// <summary>
/// Runs fits and selections in a learning worker process (<see cref="LearningWorker"/>), started on first use and
/// again after it ends. A request that was waiting when the worker ended is sent once more to a new worker (the worker
/// was killed or crashed; a fit has no side effects); a second failure fails the fit, and the cycle keeps its rows for
/// the next one. When no worker can be started at all, fits run in this process, and a start is tried again later.
/// </summary>
public sealed partial class WorkerFitHost(LearningWorkerCommand command, ILogger<WorkerFitHost> logger) : IFitHost, IDisposable
{
    private static readonly TimeSpan s_startTimeout = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan s_retryStartAfter = TimeSpan.FromSeconds(30);
    private readonly Lock _gate = new();
    private WorkerProcess? _worker;
    private long? _startFailedAt;
    private bool _disposed;

    /// <summary>The running worker's process id, if one runs.</summary>
    public int? WorkerPid
    {
        get
        {
            lock (_gate)
            {
                return _worker is { HasEnded: false } w ? w.Pid : null;
            }
        }
    }

    public IModelTrainer Trainer(IModelTrainer trainer) => trainer is WorkerTrainer ? trainer : new WorkerTrainer(this, trainer);

    public FamilyChoice Select(ModelShape shape, IReadOnlyList<TrainingRow> labeled, int seed, bool background = false, CancellationToken cancellationToken = default)
    {
        var reply = Call(background ? WorkerProtocol.BackgroundSelectRequest : WorkerProtocol.SelectRequest, "", shape, seed, labeled, cancellationToken);
        if (reply is null)
        {
            return FamilySelection.Select(shape, labeled, seed, cancellationToken);
        }

        var choice = reply.Choice ?? throw new LearningWorkerException("The learning worker answered a selection with a model.");
        return new FamilyChoice(Setting(shape, choice.Proposer), Setting(shape, choice.Critic), choice.Scores, choice.Folds, choice.Rows, choice.Duration);
    }

    public void Dispose()
    {
        WorkerProcess? worker;
        lock (_gate)
        {
            _disposed = true;
            worker = _worker;
            _worker = null;
        }

        worker?.Dispose();
    }

    private TrainedModel Fit(IModelTrainer trainer, ModelShape shape, IReadOnlyList<TrainingRow> rows)
    {
        var reply = Call(WorkerProtocol.FitRequest, trainer.Name, shape, 0, rows, default);
        if (reply is null)
        {
            return trainer.Fit(shape, rows);
        }

        var model = reply.Model ?? throw new LearningWorkerException("The learning worker answered a fit with a selection.");
        return TrainedModel.FromBytes(model, shape, trainer.Name);
    }

    /// <summary>The worker's reply, or null when no worker runs and the caller fits in this process.</summary>
    private WorkerReply? Call(byte kind, string trainer, ModelShape shape, int seed, IReadOnlyList<TrainingRow> rows, CancellationToken cancellationToken)
    {
        for (var attempt = 1; ; attempt++)
        {
            var worker = Worker();
            if (worker is null)
            {
                return null;
            }

            try
            {
                return Unwrap(worker.Call(kind, trainer, shape, seed, rows, cancellationToken));
            }
            catch (LearningWorkerException e) when (attempt == 1 && worker.HasEnded)
            {
                LogRetry(logger, e, trainer.Length > 0 ? trainer : "selection");
            }
        }
    }

    private WorkerProcess? Worker()
    {
        WorkerProcess started;
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            if (_worker is { HasEnded: false } running)
            {
                return running;
            }

            _worker?.Dispose();
            _worker = null;
            if (_startFailedAt is { } failed && Stopwatch.GetElapsedTime(failed) < s_retryStartAfter)
            {
                return null;
            }

            try
            {
                started = _worker = WorkerProcess.Start(command, (pid, line) => LogWorkerOutput(logger, pid, line), OnEnded);
            }
            catch (Exception e) when (e is System.ComponentModel.Win32Exception or InvalidOperationException or IOException)
            {
                return StartFailed(e, null);
            }
        }

        // Outside the lock: a second caller meanwhile finds this worker and waits for the same greeting.
        if (!started.WaitReady(s_startTimeout))
        {
            lock (_gate)
            {
                if (_worker == started)
                {
                    _worker = null;
                }
            }

            started.Dispose();
            return StartFailed(null, started);
        }

        LogStarted(logger, started.Pid, command.ToString());
        return started;
    }

    private WorkerProcess? StartFailed(Exception? exception, WorkerProcess? worker)
    {
        lock (_gate)
        {
            _startFailedAt = Stopwatch.GetTimestamp();
        }

        LogStartFailed(logger, exception, command.ToString(), worker is null ? "it could not be started" : $"pid {worker.Pid} did not greet within {s_startTimeout.TotalSeconds:0} s", s_retryStartAfter.TotalSeconds);
        return null;
    }

    private void OnEnded(WorkerProcess worker, string reason)
    {
        bool stopping;
        lock (_gate)
        {
            stopping = _disposed;
        }

        if (!stopping)
        {
            LogEnded(logger, worker.Pid, reason);
        }
    }

    private static WorkerReply Unwrap(WorkerReply reply) => reply.Status switch
    {
        WorkerProtocol.Ok => reply,
        WorkerProtocol.SingleClass => throw new SingleClassException(),
        WorkerProtocol.InvalidOperation => throw new InvalidOperationException(reply.Error),
        WorkerProtocol.ArgumentOutOfRange => throw new ArgumentOutOfRangeException(null, reply.Error),
        WorkerProtocol.Argument => throw new ArgumentException(reply.Error),
        _ => throw new LearningWorkerException($"The learning worker failed: {reply.Error}"),
    };

    private static IModelTrainer Setting(ModelShape shape, string name) =>
        ModelFamilies.Find(shape, name) ?? throw new LearningWorkerException($"The learning worker chose '{name}', a setting this silo does not offer.");

    [LoggerMessage(Level = LogLevel.Information, Message = "Learning worker started (pid {Pid}: {Command}); model fits run there")]
    private static partial void LogStarted(ILogger logger, int pid, string command);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The learning worker (pid {Pid}) ended: {Reason}; the next fit starts a new one")]
    private static partial void LogEnded(ILogger logger, int pid, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The learning worker ({Command}) is not available: {Reason}; model fits run in the silo's process, a start is tried again in {Seconds:0} s")]
    private static partial void LogStartFailed(ILogger logger, Exception? exception, string command, string reason, double seconds);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The learning worker ended during a request ({Request}); sending it to a new worker")]
    private static partial void LogRetry(ILogger logger, Exception exception, string request);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Learning worker (pid {Pid}): {Line}")]
    private static partial void LogWorkerOutput(ILogger logger, int pid, string line);

    /// <summary>A trainer whose fits run in the worker; its name and family are the setting's own.</summary>
    private sealed class WorkerTrainer(WorkerFitHost host, IModelTrainer inner) : IModelTrainer
    {
        public string Family => inner.Family;

        public string Name => inner.Name;

        public TrainedModel Fit(ModelShape shape, IReadOnlyList<TrainingRow> rows) => host.Fit(inner, shape, rows);
    }
}
