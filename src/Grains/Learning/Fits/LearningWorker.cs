using System.Runtime.InteropServices;
using SelfDissonance.Learning.Ml;

namespace SelfDissonance.Learning.Fits;

/// <summary>
/// The learning worker: a process of its own that fits models for its silo (<see cref="WorkerFitHost"/>). A fit on
/// 10,000 rows allocates tens of megabytes, and every garbage collection that causes in the silo stops every serving
/// thread with it: during a cycle the silo's serving p99 followed the collections' pause time. Here they pause only
/// the worker. Each request runs on a learning thread of its own at the lowest priority (<see cref="LearningThread"/>), and
/// threads it starts inherit it: a serving thread of the silo that wants a core gets it. Replies go back as they finish.
/// </summary>
public static class LearningWorker
{
    /// <summary>The argument that turns the silo's program into a learning worker.</summary>
    public const string Argument = "learning-worker";

    /// <summary>
    /// Threads a selection's fold fits are spread over. At the lowest priority they take the cores serving leaves: the
    /// selection is most of a cycle and, on one thread, left a core of a 2-core node idle.
    /// </summary>
    private static int Parallelism => Math.Min(Environment.ProcessorCount, 4);

    /// <summary>
    /// Serves requests from <paramref name="input"/> until it ends (the silo closed it, or exited), replies on
    /// <paramref name="output"/>. Returns the process's exit code.
    /// </summary>
    public static int Run(Stream input, Stream output)
    {
        // The output is the protocol's: anything else a library prints goes to standard error, which the silo logs.
        Console.SetOut(Console.Error);

        // A worker lives as long as its silo: it ends when the silo closes its input (a stop, or the silo's death). Ctrl+C in
        // a terminal or a signal to the process group reaches it too; the silo decides when it goes.
        using var interrupt = PosixSignalRegistration.Create(PosixSignal.SIGINT, c => c.Cancel = true);
        using var terminate = PosixSignalRegistration.Create(PosixSignal.SIGTERM, c => c.Cancel = true);
        var writer = new BinaryWriter(new BufferedStream(output, 1 << 16));
        var writing = new Lock();
        writer.Write(WorkerProtocol.Hello);
        writer.Flush();

        var reader = new BinaryReader(new BufferedStream(input, 1 << 16));
        while (true)
        {
            WorkerRequest request;
            try
            {
                request = WorkerProtocol.ReadRequest(reader);
            }
            catch (EndOfStreamException)
            {
                return 0;
            }

            _ = request.Kind == WorkerProtocol.BackgroundSelectRequest
                ? LearningThread.RunIdleAsync(() => Serve(request))
                : LearningThread.RunAtLowestAsync(() => Serve(request));
        }

        byte Serve(WorkerRequest request)
        {
            var reply = Execute(request);
            lock (writing)
            {
                WorkerProtocol.WriteReply(writer, reply);
            }

            return reply.Status;
        }
    }

    internal static WorkerReply Execute(WorkerRequest request)
    {
        try
        {
            if (request.Kind is WorkerProtocol.SelectRequest or WorkerProtocol.BackgroundSelectRequest)
            {
                var parallelism = request.Kind == WorkerProtocol.SelectRequest ? Parallelism : 1;
                var choice = FamilySelection.Select(request.Shape, request.Rows, request.Seed, parallelism);
                return new WorkerReply(request.Id, WorkerProtocol.Ok, null, null, new WorkerChoice(choice.Proposer.Name, choice.Critic.Name, choice.Scores, choice.Folds, choice.Rows, choice.Duration));
            }

            var trainer = ModelFamilies.Find(request.Shape, request.Trainer)
                ?? throw new ArgumentException($"The learning worker offers no model setting '{request.Trainer}' for {request.Shape.Classes} classes.");
            return new WorkerReply(request.Id, WorkerProtocol.Ok, null, trainer.Fit(request.Shape, request.Rows).ToBytes(), null);
        }
        catch (Exception e)
        {
            var status = e switch
            {
                SingleClassException => WorkerProtocol.SingleClass,
                ArgumentOutOfRangeException => WorkerProtocol.ArgumentOutOfRange,
                ArgumentException => WorkerProtocol.Argument,
                InvalidOperationException => WorkerProtocol.InvalidOperation,
                _ => WorkerProtocol.Failed,
            };
            return new WorkerReply(request.Id, status, status == WorkerProtocol.Failed ? e.ToString() : e.Message, null, null);
        }
    }
}
