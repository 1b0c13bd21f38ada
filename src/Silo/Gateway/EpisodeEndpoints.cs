using SelfDissonance.Client.Cluster;
using SelfDissonance.Client.Contracts;
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
        v1.MapDelete("/episodes/{id}", EraseAsync).Describe<EpisodeErasedResponse>("EraseEpisode", "Erase an episode: its features and label leave storage and every later training window; production is marked for retraining. A second erase is 404.");
        v1.MapPost("/episodes/{id}/feedback", FeedbackAsync).Describe<FeedbackRequest, FeedbackResponse>("Feedback", "A late label for an episode.", StatusCodes.Status202Accepted);
        return v1;
    }

    private static async Task<IResult> RunAsync(string task, HttpContext context, GrainApi api, GatewaySchemas schemas)
    {
        // Refuse a task this silo cannot serve before reading the body.
        await schemas.ForServingAsync(TaskId(task));
        var body = await RequestReader.ReadJsonAsync<WireEpisodeRequest>(context.Request, context.RequestAborted);
        return Json(await api.RunEpisodeAsync(task, body));
    }

    private static async Task<IResult> SubmitBatchAsync(string task, HttpContext context, GrainApi api)
    {
        await api.AcceptingSchemaAsync(task);
        var body = await RequestReader.ReadJsonAsync<List<WireEpisodeRequest>>(context.Request, context.RequestAborted);
        return Json(await api.SubmitBatchAsync(task, body!), StatusCodes.Status202Accepted);
    }

    private static async Task<IResult> PredictAsync(string task, HttpContext context, GrainApi api, GatewaySchemas schemas)
    {
        await schemas.ForServingAsync(TaskId(task));
        var (single, many) = await RequestReader.ReadOneOrManyAsync<PredictRequest>(context.Request, context.RequestAborted);
        return single is not null
            ? Json(await api.PredictAsync(task, single))
            : Json(await api.PredictManyAsync(task, many!));
    }

    private static async Task<IResult> GetAsync(string id, HttpContext context, GrainApi api)
    {
        var record = await api.GetEpisodeAsync(id);
        await Security.TaskAccess.RequireAsync(context, record.Task, Security.ApiScopes.Read);
        return Json(record);
    }

    private static async Task<IResult> EraseAsync(string id, HttpContext context, GrainApi api)
    {
        GrainApi.EpisodeId(id);
        if (Security.TaskAccess.IsLimited(context))
        {
            // The path names no task: a key limited to tasks may erase only its own tasks' episodes.
            await Security.TaskAccess.RequireAsync(context, (await api.GetEpisodeAsync(id)).Task, Security.ApiScopes.TasksAdmin);
        }

        var erased = await api.EraseEpisodeAsync(id, Caller(context));
        context.Items[Security.AuditTrail.AuditTaskItem] = erased.Task;
        return Json(erased);
    }

    private static async Task<IResult> FeedbackAsync(string id, HttpContext context, GrainApi api)
    {
        GrainApi.EpisodeId(id);
        if (Security.TaskAccess.IsLimited(context))
        {
            // The path names no task: a key limited to tasks may label only its own tasks' episodes.
            await Security.TaskAccess.RequireAsync(context, (await api.GetEpisodeAsync(id)).Task, Security.ApiScopes.FeedbackWrite);
        }

        var body = await RequestReader.ReadJsonAsync<FeedbackRequest>(context.Request, context.RequestAborted);
        return Json(await api.SendFeedbackAsync(id, body.Label, Caller(context)), StatusCodes.Status202Accepted);
    }
}
