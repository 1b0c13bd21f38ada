using System.Collections.Immutable;
using SelfDissonance.Client.Contracts;
using SelfDissonance.Episodes;
using SelfDissonance.Models;
using SelfDissonance.Runtime;
using static SelfDissonance.Silo.Gateway.GatewayResults;
using WireEpisodeRequest = SelfDissonance.Client.Contracts.EpisodeRequest;

namespace SelfDissonance.Silo.Gateway;

public static class EpisodeEndpoints
{
    public static RouteGroupBuilder MapEpisodeEndpoints(this RouteGroupBuilder v1)
    {
        v1.MapPost("/tasks/{task}/episodes", RunAsync).Describe<WireEpisodeRequest, EpisodeResponse>("RunEpisode", "Run one episode now: prediction, critic, dissonance, gate verdict. An id makes retries idempotent.");
        v1.MapPost("/tasks/{task}/episodes:batch", SubmitBatchAsync).Describe<List<WireEpisodeRequest>, BatchAcceptedResponse>("SubmitEpisodes", "Queue episodes on the durable stream; 202 once they are stored.", StatusCodes.Status202Accepted);
        v1.MapPost("/tasks/{task}/predict", PredictAsync).Describe<PredictRequest, PredictResponse>("Predict", "Predictions only (one object or an array): no episode, no learning.");
        v1.MapGet("/episodes/{id}", GetAsync).Describe<EpisodeRecordResponse>("GetEpisode", "An episode's full record and the lineage of the models that answered.");
        v1.MapPost("/episodes/{id}/feedback", FeedbackAsync).Describe<FeedbackRequest, FeedbackResponse>("Feedback", "A late label for an episode.", StatusCodes.Status202Accepted);
        return v1;
    }

    private static async Task<IResult> RunAsync(string task, HttpContext context, IGrainFactory grains, TaskRuntimeCache cache)
    {
        var runtime = await ServingRuntimeAsync(cache, task);
        var body = await RequestReader.ReadJsonAsync<WireEpisodeRequest>(context.Request, context.RequestAborted);
        var request = ToRequest(runtime, body, EpisodeSource.Sync, "");
        var result = await grains.GetGrain<IEpisodeGrain>(request.EpisodeId).RunAsync(request);
        return Json(Responses.Episode(result, runtime.Definition));
    }

    private static async Task<IResult> SubmitBatchAsync(string task, HttpContext context, IGrainFactory grains, TaskRuntimeCache cache, Microsoft.Extensions.Options.IOptions<GatewayOptions> options)
    {
        // Accepting needs the schema, not the models: queued work is taken (durably) even while this silo cannot load
        // its models, and runs once it can.
        var runtime = await cache.GetAsync(TaskId(task)) ?? throw DomainException.TaskNotFound(task);
        if (!runtime.Task.Bootstrapped)
        {
            runtime = await cache.RefreshAsync(task) ?? throw DomainException.TaskNotFound(task);
            if (!runtime.Task.Bootstrapped)
            {
                throw DomainException.NotBootstrapped(task);
            }
        }

        var body = await RequestReader.ReadJsonAsync<List<WireEpisodeRequest>>(context.Request, context.RequestAborted);
        if (body.Count == 0 || body.Count > options.Value.MaxBatch)
        {
            throw DomainException.BadRequest(ReasonCodes.BatchTooLarge, "The batch size is out of range.", $"Send 1 to {options.Value.MaxBatch} episodes per batch (got {body.Count}).");
        }

        // Every item is checked before any is queued, so a bad item leaves nothing behind.
        var requests = ImmutableArray.CreateBuilder<Episodes.EpisodeRequest>(body.Count);
        var ids = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < body.Count; i++)
        {
            var request = ToRequest(runtime, body[i], EpisodeSource.Queue, $"[{i}].");
            if (!ids.Add(request.EpisodeId))
            {
                throw DomainException.BadRequest(ReasonCodes.InvalidBody, "The batch repeats an episode id.", $"Id '{request.EpisodeId}' appears more than once.", [new FieldError($"[{i}].id", "Duplicate in this batch.")]);
            }

            requests.Add(request);
        }

        var accepted = await grains.GetGrain<IEpisodeIntakeGrain>(0).SubmitAsync(requests.MoveToImmutable());
        return Json(new BatchAcceptedResponse(accepted), StatusCodes.Status202Accepted);
    }

    private static async Task<IResult> PredictAsync(string task, HttpContext context, IGrainFactory grains, TaskRuntimeCache cache, Microsoft.Extensions.Options.IOptions<GatewayOptions> options)
    {
        var runtime = await ServingRuntimeAsync(cache, task);
        var (single, many) = await RequestReader.ReadOneOrManyAsync<PredictRequest>(context.Request, context.RequestAborted);
        if (single is not null)
        {
            var result = await grains.GetGrain<IProposerGrain>(0).PredictBatchAsync(runtime.Definition.Id, [FeatureMapper.Map(runtime, single.Features)]);
            return Json(Prediction(result.Predictions[0], result.Version, runtime));
        }

        if (many is null || many.Count == 0 || many.Count > options.Value.MaxPredictRows)
        {
            throw DomainException.BadRequest(ReasonCodes.BatchTooLarge, "The number of rows is out of range.", $"Send 1 to {options.Value.MaxPredictRows} rows (got {many?.Count ?? 0}).");
        }

        var rows = ImmutableArray.CreateBuilder<ImmutableArray<float>>(many.Count);
        for (var i = 0; i < many.Count; i++)
        {
            rows.Add(FeatureMapper.Map(runtime, many[i]?.Features, $"[{i}].features"));
        }

        var batch = await grains.GetGrain<IProposerGrain>(0).PredictBatchAsync(runtime.Definition.Id, rows.MoveToImmutable());
        return Json(batch.Predictions.Select(p => Prediction(p, batch.Version, runtime)).ToList());
    }

    private static async Task<IResult> GetAsync(string id, IGrainFactory grains, TaskRuntimeCache cache)
    {
        var record = await grains.GetGrain<IEpisodeGrain>(EpisodeId(id)).GetAsync() ?? throw DomainException.EpisodeNotFound(id);
        var runtime = await cache.GetAsync(record.TaskId);
        ModelVersionInfo? proposer = null, critic = null;
        if (record.Proposal is { } p)
        {
            proposer = await FindVersionAsync(grains, record.TaskId, ModelRole.Proposer, p.Version);
        }

        if (record.Critique is { } c)
        {
            critic = await FindVersionAsync(grains, record.TaskId, ModelRole.Critic, c.Version);
        }

        return Json(Responses.EpisodeRecord(record, runtime?.Definition, proposer, critic));
    }

    private static async Task<IResult> FeedbackAsync(string id, HttpContext context, IGrainFactory grains)
    {
        var grain = grains.GetGrain<IEpisodeGrain>(EpisodeId(id));
        var body = await RequestReader.ReadJsonAsync<FeedbackRequest>(context.Request, context.RequestAborted);
        if (body.Label is null)
        {
            throw DomainException.BadRequest(ReasonCodes.UnknownLabel, "A label is required.", null, [new FieldError("label", "Required.")]);
        }

        // The episode grain checks that it ran and that the label is a class of its task before it stores anything.
        var result = await grain.FeedbackAsync(body.Label, Caller(context));
        return Json(new FeedbackResponse(result.EpisodeId, result.Label, result.Learnable, result.Duplicate), StatusCodes.Status202Accepted);
    }

    private static async Task<TaskRuntime> ServingRuntimeAsync(TaskRuntimeCache cache, string task)
    {
        var runtime = await cache.GetAsync(TaskId(task)) ?? throw DomainException.TaskNotFound(task);
        if (!runtime.CanServe)
        {
            // Bootstrapped through another silo a moment ago? Its control event may still be on the way.
            runtime = await cache.RefreshAsync(task) ?? throw DomainException.TaskNotFound(task);
        }

        runtime.RequireProposer();
        runtime.RequireCritic();
        return runtime;
    }

    private static Episodes.EpisodeRequest ToRequest(TaskRuntime runtime, WireEpisodeRequest? body, EpisodeSource source, string prefix)
    {
        if (body is null)
        {
            throw DomainException.BadRequest(ReasonCodes.InvalidBody, "Every episode must be an object.", null, [new FieldError(prefix.TrimEnd('.'), "Null.")]);
        }

        var features = FeatureMapper.Map(runtime, body.Features, $"{prefix}features");
        FeatureMapper.CheckLabel(runtime, body.Label, $"{prefix}label");
        var id = body.Id ?? Ids.NewEpisodeId();
        if (!Ids.IsValidEpisodeId(id))
        {
            throw DomainException.InvalidEpisodeId(id, $"{prefix}id");
        }

        return new Episodes.EpisodeRequest(runtime.Definition.Id, id, features, body.Label, source, DateTimeOffset.UtcNow);
    }

    private static PredictResponse Prediction(Prediction p, int version, TaskRuntime runtime)
    {
        var wire = Responses.Prediction(p, runtime.Definition);
        return new PredictResponse(wire.Label, wire.Probabilities, version);
    }

    private static async Task<ModelVersionInfo?> FindVersionAsync(IGrainFactory grains, string task, ModelRole role, int version)
    {
        var versions = await grains.GetGrain<IModelRegistryGrain>(ModelRoles.RegistryKey(task, role)).ListAsync();
        return versions.FirstOrDefault(v => v.Version == version);
    }

}
