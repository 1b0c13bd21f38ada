using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace SelfDissonance.Telemetry;

/// <summary>The one Meter and one ActivitySource of the product, both named "SelfDissonance".</summary>
public static class SelfDissonanceMetrics
{
    public const string Name = "SelfDissonance";

    public static readonly ActivitySource ActivitySource = new(Name);

    public static readonly Meter Meter = new(Name);

    public static readonly Counter<long> Episodes = Meter.CreateCounter<long>("sd.episodes", "{episode}", "Episodes completed, by task and outcome (learnable or blocked).");

    public static readonly Counter<long> GateBlocks = Meter.CreateCounter<long>("sd.gate.blocks", "{episode}", "Episodes the safety gate blocked from learning, by reason.");

    public static readonly Histogram<double> Dissonance = Meter.CreateHistogram<double>("sd.dissonance", null, "Total variation distance between proposer and critic per episode.",
        advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.02, 0.05, 0.1, 0.12, 0.15, 0.2, 0.3, 0.4, 0.5, 0.75, 1] });

    public static readonly Counter<long> LearningCycles = Meter.CreateCounter<long>("sd.learning.cycles", "{cycle}", "Learning cycles by outcome.");
    public static readonly Counter<long> DriftAlarms = Meter.CreateCounter<long>("sd.learning.drift", "{alarm}", "Drift alarms: the proposer's error on labeled episodes rose (Page-Hinkley).");

    public static readonly Histogram<double> LearningCycleDuration = Meter.CreateHistogram<double>("sd.learning.cycle.duration", "s", "Duration of learning cycles.",
        advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 30, 60] });

    public static readonly Histogram<double> LearningWarmUpDuration = Meter.CreateHistogram<double>("sd.learning.warmup.duration", "s", "Duration of the learning warm-up a silo runs after it starts.");

    public static readonly Counter<long> Promotions = Meter.CreateCounter<long>("sd.models.promotions", "{version}", "Versions promoted, by task and role.");

    public static readonly Counter<long> Rollbacks = Meter.CreateCounter<long>("sd.models.rollbacks", "{version}", "Rollbacks, by task, role and trigger (manual or auto).");

    public static readonly Counter<long> ModelLoadFailures = Meter.CreateCounter<long>("sd.models.load_failures", "{failure}", "Model versions that could not be deserialized.");

    public static readonly Counter<long> ArtifactIntegrityFailures = Meter.CreateCounter<long>("sd.artifacts.integrity_failures", "{failure}", "Model artifacts refused on load because their SHA-256 or HMAC-SHA256 signature did not match.");

    public static readonly Counter<long> LabelsQuarantined = Meter.CreateCounter<long>("sd.learning.labels_quarantined", "{label}", "Labels the label-noise guard held back (they contradicted a confident proposer and critic), by task.");

    public static readonly Counter<long> QuarantineReleased = Meter.CreateCounter<long>("sd.learning.quarantine_released", "{label}", "Quarantined labels released into training (confirmed by a second identical label or by an admin), by task.");

    public static readonly Counter<long> EpisodesErased = Meter.CreateCounter<long>("sd.episodes.erased", "{episode}", "Episodes erased (features and label removed from storage and training data), by task.");

    public static readonly ObservableGauge<double> Lambda = Meter.CreateObservableGauge("sd.policy.lambda", DomainGauges.Lambda, null, "The task's current lambda (weight of pseudo-labels).");

    public static readonly ObservableGauge<long> BudgetLeft = Meter.CreateObservableGauge("sd.budget.left", DomainGauges.BudgetLeft, "{episode}", "Learnable episodes left in the task's dissonance budget this hour.");

    public static readonly ObservableGauge<double> RollbackDrop = Meter.CreateObservableGauge("sd.policy.rollback_drop", DomainGauges.RollbackDrop, null, "The task's rollbackDrop: how far production's live accuracy may fall below its predecessor's.");

    public static readonly ObservableGauge<double> ModelAccuracy = Meter.CreateObservableGauge("sd.model.accuracy", DomainGauges.Accuracy, null, "Golden and live accuracy of the serving versions, by task, role, version, stage (production, previous, canary) and kind.");

    public static readonly ObservableGauge<long> ModelLiveSamples = Meter.CreateObservableGauge("sd.model.live_samples", DomainGauges.LiveSamples, "{episode}", "Labeled episodes behind each serving version's live accuracy.");

    public static readonly ObservableGauge<double> StreamOldestUnacknowledged = Meter.CreateObservableGauge("sd.streams.oldest_unacked_age", DomainGauges.OldestUnacknowledged, "s", "Age of the oldest stream entry not yet acknowledged, per provider and queue (cluster profile).");

    public static readonly ObservableGauge<long> StreamBacklog = Meter.CreateObservableGauge("sd.streams.backlog", DomainGauges.Pending, "{entry}", "Stream entries unread or unacknowledged, per provider and queue (cluster profile).");

    public static readonly Counter<long> PublishRetries = Meter.CreateCounter<long>("sd.streams.publish_retries", "{event}", "Stream publishes that had to be retried (queue full or unavailable).");
}
