using System.Collections.Immutable;
using System.Runtime.InteropServices;
using SelfDissonance.Learning.Ml;

namespace SelfDissonance.Learning.Fits;

/// <summary>
/// The messages between a silo and its learning worker, over the worker's standard input and output. Hand-written
/// with <see cref="BinaryWriter"/>: a request carries up to a few hundred thousand feature values, written as raw floats
/// straight into the pipe (no message-sized buffer, no text), and both ends are this assembly, so nothing else needs to
/// read it. A request names its id; replies come back in any order, each naming the request it answers.
/// </summary>
internal static class WorkerProtocol
{
    /// <summary>The worker's first words: a silo only sends to a worker that speaks its version.</summary>
    public const string Hello = "selfdissonance-learning-worker/2";

    public const byte FitRequest = 1;
    public const byte SelectRequest = 2;

    /// <summary>A selection no cycle waits for: one thread, idle scheduling class.</summary>
    public const byte BackgroundSelectRequest = 3;

    public const byte Ok = 0;
    public const byte SingleClass = 1;
    public const byte InvalidOperation = 2;
    public const byte ArgumentOutOfRange = 3;
    public const byte Argument = 4;
    public const byte Failed = 5;

    public static void WriteRequest(BinaryWriter writer, WorkerRequest request)
    {
        writer.Write(request.Id);
        writer.Write(request.Kind);
        writer.Write(request.Trainer);
        writer.Write(request.Shape.Features);
        writer.Write(request.Shape.Classes);
        writer.Write(request.Seed);
        writer.Write(request.Rows.Count);
        foreach (var row in request.Rows)
        {
            writer.Write(row.Label);
            writer.Write(row.Weight);
            writer.Write(row.Features.Length);
            writer.Write(MemoryMarshal.AsBytes(row.Features.AsSpan()));
        }

        writer.Flush();
    }

    public static WorkerRequest ReadRequest(BinaryReader reader)
    {
        var id = reader.ReadInt64();
        var kind = reader.ReadByte();
        var trainer = reader.ReadString();
        var shape = new ModelShape(reader.ReadInt32(), reader.ReadInt32());
        var seed = reader.ReadInt32();
        var rows = new TrainingRow[reader.ReadInt32()];
        for (var i = 0; i < rows.Length; i++)
        {
            var label = reader.ReadInt32();
            var weight = reader.ReadSingle();
            var features = new float[reader.ReadInt32()];
            reader.BaseStream.ReadExactly(MemoryMarshal.AsBytes(features.AsSpan()));
            rows[i] = new TrainingRow(features, label, weight);
        }

        return new WorkerRequest(id, kind, trainer, shape, seed, rows);
    }

    public static void WriteReply(BinaryWriter writer, WorkerReply reply)
    {
        writer.Write(reply.Id);
        writer.Write(reply.Status);
        if (reply.Status != Ok)
        {
            writer.Write(reply.Error ?? "");
        }
        else if (reply.Model is { } model)
        {
            writer.Write(FitRequest);
            writer.Write(model.Length);
            writer.Write(model);
        }
        else
        {
            var choice = reply.Choice!;
            writer.Write(SelectRequest);
            writer.Write(choice.Proposer);
            writer.Write(choice.Critic);
            writer.Write(choice.Folds);
            writer.Write(choice.Rows);
            writer.Write(choice.Duration.Ticks);
            writer.Write(choice.Scores.Length);
            foreach (var score in choice.Scores)
            {
                writer.Write(score.Name);
                writer.Write(score.Family);
                writer.Write(score.Accuracy);
            }
        }

        writer.Flush();
    }

    public static WorkerReply ReadReply(BinaryReader reader)
    {
        var id = reader.ReadInt64();
        var status = reader.ReadByte();
        if (status != Ok)
        {
            return new WorkerReply(id, status, reader.ReadString(), null, null);
        }

        if (reader.ReadByte() == FitRequest)
        {
            return new WorkerReply(id, status, null, reader.ReadBytes(reader.ReadInt32()), null);
        }

        var proposer = reader.ReadString();
        var critic = reader.ReadString();
        var folds = reader.ReadInt32();
        var rows = reader.ReadInt32();
        var duration = TimeSpan.FromTicks(reader.ReadInt64());
        var scores = ImmutableArray.CreateBuilder<FamilyScore>(reader.ReadInt32());
        for (var i = 0; i < scores.Capacity; i++)
        {
            scores.Add(new FamilyScore(reader.ReadString(), reader.ReadString(), reader.ReadDouble()));
        }

        return new WorkerReply(id, status, null, null, new WorkerChoice(proposer, critic, scores.MoveToImmutable(), folds, rows, duration));
    }
}

/// <summary>A fit (of the setting <see cref="Trainer"/> names) or a selection (<see cref="Seed"/> deals its folds).</summary>
internal sealed record WorkerRequest(long Id, byte Kind, string Trainer, ModelShape Shape, int Seed, IReadOnlyList<TrainingRow> Rows);

/// <summary>The fitted model's bytes, the selection's choice by setting name, or a failure's status and message.</summary>
internal sealed record WorkerReply(long Id, byte Status, string? Error, byte[]? Model, WorkerChoice? Choice);

internal sealed record WorkerChoice(string Proposer, string Critic, ImmutableArray<FamilyScore> Scores, int Folds, int Rows, TimeSpan Duration);
