using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;
using SelfDissonance.Client.Contracts;

namespace SelfDissonance.Silo.Gateway;

/// <summary>
/// JSON for API v1. Requests are read strictly: unknown fields, duplicate keys, numbers in strings, NaN/Infinity,
/// comments and trailing commas are all refused, and nesting is shallow.
/// </summary>
public static class GatewayJson
{
    public static readonly JsonSerializerOptions Requests = CreateRequestOptions();

    /// <summary>Responses: the source-generated contracts first, reflection for anything else (problem extensions).</summary>
    public static readonly JsonSerializerOptions Responses = CreateResponseOptions();

    public static void ConfigureResponses(JsonSerializerOptions options)
    {
        options.PropertyNamingPolicy = JsonNamingPolicy.CamelCase;
        options.DefaultIgnoreCondition = JsonIgnoreCondition.Never;
        options.Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping;
        options.TypeInfoResolverChain.Insert(0, GatewayJsonContext.Default);
    }

    private static JsonSerializerOptions CreateResponseOptions()
    {
        var options = new JsonSerializerOptions(JsonSerializerDefaults.Web);
        ConfigureResponses(options);
        options.TypeInfoResolverChain.Add(new System.Text.Json.Serialization.Metadata.DefaultJsonTypeInfoResolver());
        options.MakeReadOnly();
        return options;
    }

    private static JsonSerializerOptions CreateRequestOptions()
    {
        var options = new JsonSerializerOptions(JsonSerializerDefaults.Web)
        {
            PropertyNameCaseInsensitive = false,
            UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
            AllowDuplicateProperties = false,
            NumberHandling = JsonNumberHandling.Strict,
            ReadCommentHandling = JsonCommentHandling.Disallow,
            AllowTrailingCommas = false,
            MaxDepth = 8,
            TypeInfoResolver = GatewayJsonContext.Default,
        };
        options.MakeReadOnly();
        return options;
    }
}

[JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(CreateTaskRequest))]
[JsonSerializable(typeof(BootstrapRequest))]
[JsonSerializable(typeof(EpisodeRequest))]
[JsonSerializable(typeof(List<EpisodeRequest>))]
[JsonSerializable(typeof(PredictRequest))]
[JsonSerializable(typeof(List<PredictRequest>))]
[JsonSerializable(typeof(FeedbackRequest))]
[JsonSerializable(typeof(PolicyUpdate))]
[JsonSerializable(typeof(TaskResponse))]
[JsonSerializable(typeof(TaskListResponse))]
[JsonSerializable(typeof(BootstrapResponse))]
[JsonSerializable(typeof(GoldenRequest))]
[JsonSerializable(typeof(GoldenResponse))]
[JsonSerializable(typeof(EpisodeResponse))]
[JsonSerializable(typeof(EpisodeRecordResponse))]
[JsonSerializable(typeof(BatchAcceptedResponse))]
[JsonSerializable(typeof(FeedbackResponse))]
[JsonSerializable(typeof(EpisodeErasedResponse))]
[JsonSerializable(typeof(QuarantineReleaseResponse))]
[JsonSerializable(typeof(PredictResponse))]
[JsonSerializable(typeof(List<PredictResponse>))]
[JsonSerializable(typeof(LearnResponse))]
[JsonSerializable(typeof(ModelsResponse))]
[JsonSerializable(typeof(CyclesResponse))]
[JsonSerializable(typeof(RollbackResponse))]
[JsonSerializable(typeof(PolicyResponse))]
[JsonSerializable(typeof(List<PolicyChangeResponse>))]
[JsonSerializable(typeof(TaskMetricsResponse))]
[JsonSerializable(typeof(TaskHistoryResponse))]
[JsonSerializable(typeof(TaskEvent))]
[JsonSerializable(typeof(Microsoft.AspNetCore.Mvc.ProblemDetails))]
[JsonSerializable(typeof(Security.CreateKeyRequest))]
[JsonSerializable(typeof(Security.KeyResponse))]
[JsonSerializable(typeof(Security.CreatedKeyResponse))]
[JsonSerializable(typeof(Security.KeyListResponse))]
[JsonSerializable(typeof(Security.AuditResponse))]
[JsonSerializable(typeof(Security.LoginRequest))]
internal sealed partial class GatewayJsonContext : JsonSerializerContext;
