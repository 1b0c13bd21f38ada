using System.Collections.Immutable;
using SelfDissonance.Client.Contracts;
using SelfDissonance.Models;
using SelfDissonance.Policy;
using SelfDissonance.Runtime;
using SelfDissonance.Tasks;
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
            .Accepts<BootstrapRequest>("application/json", "text/csv");
        return v1;
    }

    private static async Task<IResult> CreateAsync(HttpContext context, IGrainFactory grains)
    {
        var body = await RequestReader.ReadJsonAsync<CreateTaskRequest>(context.Request, context.RequestAborted);
        var errors = TaskDefinitionValidator.Validate(body.Id, body.Features, body.Classes);
        if (!errors.IsEmpty)
        {
            throw DomainException.BadRequest(ReasonCodes.InvalidTask, "The task definition is invalid.", string.Join(" ", errors.Select(e => e.Message)), errors);
        }

        var policy = body.Policy is null ? null : Responses.Patch(body.Policy);
        if (policy is not null)
        {
            PolicyValidator.ThrowIfInvalid(policy.ApplyTo(TaskPolicy.Default));
        }

        var definition = new TaskDefinition(body.Id!, [.. body.Features!], [.. body.Classes!], DateTimeOffset.UtcNow);
        var snapshot = await grains.GetGrain<ITaskGrain>(definition.Id).CreateAsync(definition, policy);
        var response = await DescribeAsync(grains, snapshot);
        context.Response.Headers.Location = $"/v1/tasks/{definition.Id}";
        return Json(response, StatusCodes.Status201Created);
    }

    private static async Task<IResult> ListAsync(IGrainFactory grains) =>
        Json(new TaskListResponse(await grains.GetGrain<ITaskDirectoryGrain>(ITaskDirectoryGrain.Key).ListAsync()));

    private static async Task<IResult> GetAsync(string task, IGrainFactory grains)
    {
        var snapshot = await grains.GetGrain<ITaskGrain>(TaskId(task)).GetAsync() ?? throw DomainException.TaskNotFound(task);
        return Json(await DescribeAsync(grains, snapshot));
    }

    private static async Task<IResult> BootstrapAsync(string task, HttpContext context, IGrainFactory grains, TaskRuntimeCache cache)
    {
        var runtime = await cache.GetAsync(TaskId(task)) ?? throw DomainException.TaskNotFound(task);
        var definition = runtime.Definition;
        ImmutableArray<LabeledExample> training, golden;
        var contentType = context.Request.ContentType ?? "";
        if (contentType.StartsWith("text/csv", StringComparison.OrdinalIgnoreCase))
        {
            // TextFieldParser reads synchronously; buffer the (size-limited) body first.
            using var buffer = new MemoryStream();
            await context.Request.Body.CopyToAsync(buffer, context.RequestAborted);
            buffer.Position = 0;
            (training, golden) = CsvBootstrapReader.Read(buffer, definition);
        }
        else if (context.Request.HasJsonContentType())
        {
            var body = await RequestReader.ReadJsonAsync<BootstrapRequest>(context.Request, context.RequestAborted);
            training = Rows(runtime, body.Training, "training");
            golden = Rows(runtime, body.Golden, "golden");
        }
        else
        {
            throw RequestReader.UnsupportedMediaType(context.Request, "application/json or text/csv");
        }

        var result = await grains.GetGrain<ITaskGrain>(definition.Id).BootstrapAsync(new BootstrapCommand(training, golden, Caller(context)));
        await cache.RefreshAsync(definition.Id);
        return Json(new BootstrapResponse(
            Responses.ModelVersion(result.Proposer),
            Responses.ModelVersion(result.Critic),
            result.TrainingRows,
            result.GoldenRows,
            result.Duration.TotalMilliseconds));
    }

    private static ImmutableArray<LabeledExample> Rows(TaskRuntime runtime, IReadOnlyList<LabeledRow>? rows, string field)
    {
        if (rows is null)
        {
            throw DomainException.BadRequest(ReasonCodes.InvalidBootstrap, $"'{field}' is required.", null, [new FieldError(field, "Required: an array of {features, label} rows.")]);
        }

        var result = ImmutableArray.CreateBuilder<LabeledExample>(rows.Count);
        for (var i = 0; i < rows.Count; i++)
        {
            var features = FeatureMapper.Map(runtime, rows[i]?.Features, $"{field}[{i}].features");
            var label = rows[i]?.Label ?? throw DomainException.BadRequest(ReasonCodes.UnknownLabel, "Every bootstrap row needs a label.", null, [new FieldError($"{field}[{i}].label", "Required.")]);
            FeatureMapper.CheckLabel(runtime, label, $"{field}[{i}].label");
            result.Add(new LabeledExample(features, runtime.Definition.ClassIndex(label)));
        }

        return result.MoveToImmutable();
    }

    internal static async Task<TaskResponse> DescribeAsync(IGrainFactory grains, TaskSnapshot snapshot)
    {
        var id = snapshot.Definition.Id;
        var policy = await grains.GetGrain<IMetaControllerGrain>(id).GetPolicyAsync();
        ServingState? proposer = null, critic = null;
        if (snapshot.Bootstrapped)
        {
            proposer = await grains.GetGrain<IModelRegistryGrain>(ModelRoles.RegistryKey(id, ModelRole.Proposer)).GetServingAsync();
            critic = await grains.GetGrain<IModelRegistryGrain>(ModelRoles.RegistryKey(id, ModelRole.Critic)).GetServingAsync();
        }

        return Responses.Task(snapshot, policy, proposer, critic);
    }

}
