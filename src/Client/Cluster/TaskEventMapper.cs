using SelfDissonance.Client.Contracts;
using SelfDissonance.Models;
using SelfDissonance.Policy;
using SelfDissonance.Runtime;

namespace SelfDissonance.Client.Cluster;

/// <summary>Grain-side live events and history points to the API v1 wire contracts.</summary>
internal static class TaskEventMapper
{
    public static TaskEvent ToWire(string taskId, TaskEventItem item) => new(
        item.Kind,
        taskId,
        item.At,
        item.Episode is { } e
            ? new EpisodeEvent(e.Id, e.Prediction, e.CriticLabel, e.Dissonance, e.Learnable, e.Reasons, e.Label, e.ProposerVersion, e.CriticVersion, e.Canary, e.Source == Episodes.EpisodeSource.Queue ? "queue" : "sync")
            : null,
        item.Model is { } m
            ? new ModelChangeEvent(m.Role.ToWire(), m.Change.Action, m.Change.From, m.Change.To, m.Change.By, m.Change.Reason, m.GoldenAccuracy)
            : null,
        item.Cycle is { } c
            ? new LearningCycleEvent(c.Cycle, c.Outcome, c.Reasons, c.Proposer?.Version, c.Critic?.Version, c.Proposer?.GoldenAccuracy, c.Lambda?.After, c.Trigger, c.Duration.TotalMilliseconds)
            : null,
        item.Drift is { } d ? new DriftEvent(d.LabeledRows, d.Alarms, d.PreDriftWeight) : null);

    public static TrafficSample ToWire(TrafficPoint p) =>
        new(p.At, p.Episodes, p.Learnable, p.MeanDissonance, p.Lambda, p.BudgetLeft, p.BlockedByReason);

    public static AccuracySample ToWire(ModelRole role, AccuracyPoint p) =>
        new(p.At, role.ToWire(), p.Version, Responses.Snake(p.Stage.ToString()), p.GoldenAccuracy, p.Live.Accuracy, p.Live.Total);
}
