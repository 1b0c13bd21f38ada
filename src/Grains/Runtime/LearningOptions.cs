using System.ComponentModel.DataAnnotations;

namespace SelfDissonance.Runtime;

/// <summary>How the learner runs. Section "SelfDissonance:Learning".</summary>
public sealed class LearningOptions
{
    public const string Section = "SelfDissonance:Learning";

    /// <summary>How often the learner checks for pending data and runs a cycle when there is some.</summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "1.00:00:00")]
    public TimeSpan CycleInterval { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Recent episode inputs kept for the KL reference set and anchors.</summary>
    [Range(0, 100_000)]
    public int RecentInputs { get; set; } = 512;

    /// <summary>Anchor inputs used per trust-region step at most (sampled evenly from the labeled rows plus recent inputs).</summary>
    [Range(16, 1_000_000)]
    public int MaxAnchorInputs { get; set; } = 4000;

    /// <summary>Unlabeled episodes kept as pseudo-label candidates; the oldest are dropped first.</summary>
    [Range(0, 10_000_000)]
    public int MaxPseudoCandidates { get; set; } = 50_000;

    /// <summary>Consumed events buffered in grain state before they are written as a dataset segment.</summary>
    [Range(1, 100_000)]
    public int SegmentSize { get; set; } = 256;

    /// <summary>Trust-region-limited promotions in a row that may follow without new data, moving production further toward the plain fit.</summary>
    [Range(0, 100)]
    public int MaxCatchUpSteps { get; set; } = 4;

    /// <summary>Labeled episodes a version must have served before its live accuracy can end a canary or trigger a rollback.</summary>
    [Range(1, 1_000_000)]
    public int MinLiveSamples { get; set; } = 100;

    /// <summary>
    /// Label-noise guard: a label that contradicts both the proposer's and the critic's top class, each at least this
    /// confident, is held in quarantine (counted, not trained on) until a second episode with the same features gives the
    /// same label or an admin releases it. 0 (the default) turns the guard off: on clean data it also holds the few true
    /// labels that sit on the wrong side of a confident boundary, so it is for label sources that are not trusted.
    /// </summary>
    [Range(0.0, 1.0)]
    public double LabelGuardConfidence { get; set; }

    /// <summary>
    /// Drift test (Page-Hinkley on the proposer's error on labeled episodes): the alarm threshold λ. With errors of 0 or
    /// 1, a rise of the error rate by 0.3 rings after about 70 labels. 0 turns the test off.
    /// </summary>
    [Range(0.0, 10_000.0)]
    public double DriftThreshold { get; set; } = 20;

    /// <summary>Drift test: the rise of the error rate tolerated (δ).</summary>
    [Range(0.0, 1.0)]
    public double DriftTolerance { get; set; } = 0.005;

    /// <summary>Drift test: labels it needs since its last alarm before it can ring again.</summary>
    [Range(1, 1_000_000)]
    public int DriftMinLabels { get; set; } = 30;

    /// <summary>At each drift alarm the rows taken before it are multiplied by this weight in training (1: no change).</summary>
    [Range(0.0, 1.0)]
    public double PreDriftWeight { get; set; } = 0.25;

    /// <summary>
    /// Whether the silo runs every part of a learning cycle on made-up rows after it starts (three passes; a few seconds
    /// of one core at low priority), so that a task's first real cycle does not pay for compiling the learning code:
    /// cold, a 10,000-row cycle took about twice its warm time and CPU.
    /// </summary>
    public bool WarmUp { get; set; } = true;

    /// <summary>
    /// Whether model fits run in a learning worker process beside the silo, when the host offers one (the silo's program
    /// does: <c>SelfDissonance.Silo learning-worker</c>). A fit's allocations are then collected in the worker, not in the
    /// silo, whose every garbage collection pauses serving. False fits in the silo's own process.
    /// </summary>
    public bool FitInWorker { get; set; } = true;

    /// <summary>Cycle reports kept in the learner's state.</summary>
    [Range(1, 10_000)]
    public int CycleHistory { get; set; } = 50;

    /// <summary>Links from a learning cycle's span to the traced episodes it trained on; beyond this they are only counted.</summary>
    [Range(0, 10_000)]
    public int CycleTraceLinks { get; set; } = 256;
}
