using Microsoft.Extensions.Logging;
using Orleans.Streams;
using SelfDissonance.Learning;
using SelfDissonance.Models;
using SelfDissonance.Runtime;
using SelfDissonance.Safety;
using SelfDissonance.Telemetry;

namespace SelfDissonance.Episodes;

/// <summary>
/// The steps of one episode shared by the episode grain (ids a caller chose) and the episode runner (ids the gateway
/// made up): proposer → critic → gate → learning event published; then, once the caller has stored the record, the
/// counters, live accuracy, task events and telemetry.
/// </summary>
public sealed class EpisodePipeline(TaskRuntimeCache cache, SiloCounters counters, SiloEventBuffer events, TimeProvider time, ILogger<EpisodePipeline> logger)
{
    // The three stateless workers have a fixed key: one reference each, made on first use (a race makes an equal one).
    // Making one costs about 1.7 µs and 1.1 KB, because Orleans resolves the interface type every time
    // (GrainReferenceBenchmarks); three per episode were about 2% of its CPU and a tenth of what it allocated.
    private IProposerGrain? _proposer;
    private ICriticGrain? _critic;
    private ISafetyGateGrain? _gate;

    /// <summary>Runs the models and the gate and publishes a learnable episode. Stores nothing: the caller stores the record.</summary>
    /// <returns>The completed record, whether its learning event is published (true for a blocked episode: nothing to
    /// publish), and the label's class index (-1 without a label).</returns>
    public async Task<(EpisodeRecord Record, bool Published, int LabelIndex)> RunAsync(IGrainFactory grains, IStreamProvider streams, EpisodeRequest request)
    {
        var runtime = await cache.GetRequiredAsync(request.TaskId);
        if (!runtime.CanServe)
        {
            // Models missing on this silo (a store outage, or a bootstrap elsewhere a moment ago): look once more.
            runtime = await cache.RefreshAsync(request.TaskId) ?? runtime;
            runtime.RequireProposer();
            runtime.RequireCritic();
        }

        FeatureGuard.Check(request.Features, runtime.Definition.FeatureCount);
        // The episode's own span: the learning event carries its context across the stream hop to the learner.
        using var activity = SelfDissonanceMetrics.ActivitySource.StartActivity("episode");
        activity?.SetTag("sd.task", request.TaskId);
        activity?.SetTag("sd.episode", request.EpisodeId);
        var proposal = await (_proposer ??= grains.GetGrain<IProposerGrain>(0)).ProposeAsync(request.TaskId, request.EpisodeId, request.Features);
        var critique = await (_critic ??= grains.GetGrain<ICriticGrain>(0)).CritiqueAsync(request.TaskId, request.Features, proposal.Prediction);
        var verdict = await (_gate ??= grains.GetGrain<ISafetyGateGrain>(0)).CheckAsync(new GateRequest(request.TaskId, request.Features, request.Label, critique.Dissonance));
        if (activity is not null)
        {
            activity.SetTag("sd.dissonance", critique.Dissonance);
            activity.SetTag("sd.gate.allowed", verdict.Allowed);
            activity.SetTag("sd.proposer.version", proposal.Version);
            if (!verdict.Allowed)
            {
                activity.SetTag("sd.gate.reasons", string.Join(',', verdict.Reasons));
            }
        }

        var record = NewRecord(request, EpisodeStatus.Completed) with
        {
            Proposal = proposal,
            Critique = critique,
            Gate = verdict,
            CompletedAt = time.GetUtcNow(),
        };
        var labelIndex = request.Label is null ? -1 : runtime.Definition.ClassIndex(request.Label);

        // Publish, then store once: a crash in between leaves no reply, so the caller retries under the same id and the
        // learner, idempotent by id, keeps the first event. A publish that fails stays pending in the stored state and the
        // episode grain retries it, so an acknowledged learnable episode always reaches the learner.
        var published = !verdict.Allowed || await TryPublishAsync(streams, record, LearningEventKind.Episode, labelIndex >= 0 ? labelIndex : null);
        return (record with { LearningPublished = verdict.Allowed && published }, published, labelIndex);
    }

    /// <summary>What follows a stored episode: counters, the task's event feed, metrics and live accuracy.</summary>
    public void Completed(EpisodeRecord record, int labelIndex)
    {
        var critique = record.Critique!;
        var verdict = record.Gate!;
        var proposal = record.Proposal!;
        counters.RecordEpisode(record.TaskId, critique.Dissonance, verdict.Allowed, verdict.Reasons);
        events.Add(record.TaskId, new TaskEventItem(TaskEventNames.Episode, record.CompletedAt ?? record.SubmittedAt, Episode: new EpisodeOutcome(
            record.Id, proposal.Prediction.Label, critique.Prediction.Label, critique.Dissonance, verdict.Allowed, verdict.Reasons,
            record.Label, proposal.Version, critique.Version, proposal.Canary, record.Source)));
        RecordTelemetry(record.TaskId, critique.Dissonance, verdict);
        if (labelIndex >= 0)
        {
            RecordLive(record.TaskId, record, labelIndex);
        }
    }

    public EpisodeRecord NewRecord(EpisodeRequest request, EpisodeStatus status) => new(
        request.EpisodeId, request.TaskId, status, request.Source, request.Features, request.Label, null, null, null, null, request.SubmittedAt, null, null, false);

    public void RecordLive(string taskId, EpisodeRecord record, int labelIndex)
    {
        if (record.Proposal is { } p)
        {
            counters.RecordLive(taskId, ModelRole.Proposer, p.Version, p.Prediction.LabelIndex == labelIndex);
        }

        if (record.Critique is { } c)
        {
            counters.RecordLive(taskId, ModelRole.Critic, c.Version, c.Prediction.LabelIndex == labelIndex);
        }
    }

    public Task<bool> TryPublishAsync(IStreamProvider streams, EpisodeRecord record, LearningEventKind kind, int? labelIndex) =>
        StreamPublisher.TryPublishAsync(LearningStream(streams, record.TaskId), ToEvent(record, kind, labelIndex), logger);

    public static IAsyncStream<LearningEvent> LearningStream(IStreamProvider streams, string taskId) =>
        streams.GetStream<LearningEvent>(StreamId.Create(StreamNames.Learning, taskId));

    public LearningEvent ToEvent(EpisodeRecord record, LearningEventKind kind, int? labelIndex) => new(
        kind,
        record.Id,
        record.Features,
        labelIndex,
        record.Critique?.Prediction.LabelIndex ?? 0,
        record.Critique?.Dissonance ?? 0,
        record.Proposal?.Version ?? 0,
        time.GetUtcNow(),
        record.Proposal?.Prediction.LabelIndex ?? -1,
        TopProbability(record.Proposal?.Prediction),
        TopProbability(record.Critique?.Prediction),
        System.Diagnostics.Activity.Current?.Id);

    private static double TopProbability(Prediction? p) =>
        p is { LabelIndex: >= 0 } && p.LabelIndex < p.Probabilities.Length ? p.Probabilities[p.LabelIndex] : 0;

    private static void RecordTelemetry(string taskId, double dissonance, GateVerdict verdict)
    {
        var task = new KeyValuePair<string, object?>("task", taskId);
        SelfDissonanceMetrics.Episodes.Add(1, task, new KeyValuePair<string, object?>("outcome", verdict.Allowed ? "learnable" : "blocked"));
        SelfDissonanceMetrics.Dissonance.Record(dissonance, task);
        foreach (var reason in verdict.Reasons)
        {
            SelfDissonanceMetrics.GateBlocks.Add(1, task, new KeyValuePair<string, object?>("reason", reason));
        }
    }
}
