using SelfDissonance.Client.Cluster;
using Microsoft.Extensions.Options;
using SelfDissonance.Client.Contracts;
using static SelfDissonance.Silo.Gateway.GatewayResults;

namespace SelfDissonance.Silo.Gateway;

public static class TaskEndpoints
{
    public static RouteGroupBuilder MapTaskEndpoints(this RouteGroupBuilder v1, GatewayOptions options)
    {
        v1.MapPost("/tasks", CreateAsync).Describe<CreateTaskRequest, TaskResponse>("CreateTask", "Create a task: ordered numeric features, 2-100 classes, optional policy.", StatusCodes.Status201Created);
        v1.MapGet("/tasks", ListAsync).Describe<TaskListResponse>("ListTasks", "Task ids.");
        v1.MapGet("/tasks/{task}", GetAsync).Describe<TaskResponse>("GetTask", "Schema, policy, production versions and feature statistics.");
        v1.MapPost("/tasks/{task}/bootstrap", BootstrapAsync).WithMetadata(new BodyLimit(options.MaxBootstrapBytes))
            .Describe<BootstrapResponse>("Bootstrap", "Train proposer v1 and critic v1 from JSON rows or text/csv (label and split columns).")
            .Accepts<BootstrapRequest>("application/json", "text/csv")
            .WithRequestTimeout(RequestTimeouts.Training);
        v1.MapPost("/tasks/{task}/golden", GoldenAsync).WithMetadata(new BodyLimit(options.MaxBootstrapBytes))
            .Describe<GoldenRequest, GoldenResponse>("SetGolden", "Add rows to the golden holdout (mode add) or replace it (mode replace, at least 10 rows); production is re-scored on it.")
            .WithRequestTimeout(RequestTimeouts.Training);
        return v1;
    }

    private static async Task<IResult> CreateAsync(HttpContext context, GrainApi api, IOptions<GatewayOptions> options)
    {
        var body = await RequestReader.ReadJsonAsync<CreateTaskRequest>(context.Request, context.RequestAborted);
        if (body.Id is { } id)
        {
            await Security.TaskAccess.RequireAsync(context, id, Security.ApiScopes.TasksAdmin);
            context.Items[Security.AuditTrail.AuditTaskItem] = id;
        }

        GatewayLimits.CheckTaskShape(body, options.Value);
        var response = await api.CreateTaskAsync(body);
        context.Response.Headers.Location = $"/v1/tasks/{response.Id}";
        return Json(response, StatusCodes.Status201Created);
    }

    /// <summary>A key limited to tasks sees only those.</summary>
    private static async Task<IResult> ListAsync(HttpContext context, GrainApi api)
    {
        var all = await api.ListTasksAsync();
        return Json(Security.TaskAccess.IsLimited(context) ? new TaskListResponse([.. all.Tasks.Where(t => Security.TaskAccess.MayUse(context, t))]) : all);
    }

    private static async Task<IResult> GetAsync(string task, GrainApi api) => Json(await api.GetTaskAsync(task));

    private static async Task<IResult> GoldenAsync(string task, HttpContext context, GrainApi api, IOptions<GatewayOptions> options)
    {
        var body = await RequestReader.ReadJsonAsync<GoldenRequest>(context.Request, context.RequestAborted);
        GatewayLimits.CheckBootstrapRows(body.Rows?.Count ?? 0, options.Value);
        return Json(await api.SetGoldenAsync(task, body, Caller(context)));
    }

    private static async Task<IResult> BootstrapAsync(string task, HttpContext context, GrainApi api, IOptions<GatewayOptions> options)
    {
        var contentType = context.Request.ContentType ?? "";
        if (contentType.StartsWith("text/csv", StringComparison.OrdinalIgnoreCase))
        {
            // TextFieldParser reads synchronously; buffer the (size-limited) body first.
            using var buffer = new MemoryStream();
            await context.Request.Body.CopyToAsync(buffer, context.RequestAborted);
            RequestReader.MarkBodyRead(context);
            GatewayLimits.CheckCsvRows(buffer.GetBuffer().AsSpan(0, (int)buffer.Length), options.Value);
            buffer.Position = 0;
            return Json(await api.BootstrapFromCsvAsync(task, buffer, Caller(context)));
        }

        if (context.Request.HasJsonContentType())
        {
            var body = await RequestReader.ReadJsonAsync<BootstrapRequest>(context.Request, context.RequestAborted);
            GatewayLimits.CheckBootstrapRows((body.Training?.Count ?? 0) + (body.Golden?.Count ?? 0), options.Value);
            return Json(await api.BootstrapAsync(task, body, Caller(context)));
        }

        throw RequestReader.UnsupportedMediaType(context.Request, "application/json or text/csv");
    }
}
