namespace SelfDissonance.Client.Contracts;

/// <summary>One learning cycle of a task's history.</summary>
/// <param name="Cycle">Cycle number (from 1, one per kept cycle).</param>
/// <param name="Trigger">api, min_batch or timer.</param>
/// <param name="StartedAt">Start time.</param>
/// <param name="DurationMs">Time taken.</param>
/// <param name="Outcome">promoted, rejected or nothing_to_learn.</param>
/// <param name="Reasons">Rejection reasons of the candidates.</param>
/// <param name="NewLabeledRows">Labeled rows new since the proposer's last training.</param>
/// <param name="NewPseudoCandidates">Unlabeled episodes above dTarget new since the last cycle (counted when lambda &gt; 0).</param>
/// <param name="Lambda">Lambda step, if episodes arrived since the previous cycle.</param>
/// <param name="Proposer">Proposer candidate, if one was trained.</param>
/// <param name="Critic">Critic candidate, if one was trained.</param>
public sealed record CycleRecordResponse(
    long Cycle,
    string Trigger,
    DateTimeOffset StartedAt,
    double DurationMs,
    string Outcome,
    IReadOnlyList<string> Reasons,
    int NewLabeledRows,
    int NewPseudoCandidates,
    LambdaResponse? Lambda,
    CandidateResponse? Proposer,
    CandidateResponse? Critic);

/// <summary>Answer to <c>GET /v1/tasks/{task}/cycles</c>: one page of the task's learning cycles, newest first.</summary>
/// <param name="Task">Task id.</param>
/// <param name="Cycles">The cycles, newest first.</param>
/// <param name="Next">The <c>before</c> value of the following (older) page; null when this page ends the history.</param>
public sealed record CyclesResponse(string Task, IReadOnlyList<CycleRecordResponse> Cycles, long? Next);
