using System.Collections.Immutable;
using SelfDissonance.Policy;

namespace SelfDissonance.Learning;

/// <summary>What a learning cycle did: overall outcome, reasons, and a report per candidate.</summary>
[GenerateSerializer, Immutable]
public sealed record LearningCycleResult(
    [property: Id(0)] long Cycle,
    [property: Id(1)] string Outcome,
    [property: Id(2)] ImmutableArray<string> Reasons,
    [property: Id(3)] CandidateReport? Proposer,
    [property: Id(4)] CandidateReport? Critic,
    [property: Id(5)] LambdaUpdate? Lambda,
    [property: Id(6)] string Trigger,
    [property: Id(7)] DateTimeOffset StartedAt,
    [property: Id(8)] TimeSpan Duration,
    [property: Id(9)] int NewLabeledRows,
    [property: Id(10)] int NewPseudoCandidates);
