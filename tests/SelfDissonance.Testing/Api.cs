using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using SelfDissonance.Client.Contracts;
using SelfDissonance.Tasks;
using Xunit;

namespace SelfDissonance.Testing;

/// <summary>Small HTTP helpers over API v1, reading answers into the SDK's wire contracts.</summary>
public static class Api
{
    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public static CancellationToken Ct => TestContext.Current.CancellationToken;

    public static async Task<T> ReadAsync<T>(this HttpResponseMessage response, HttpStatusCode expected = HttpStatusCode.OK)
    {
        var body = await response.Content.ReadAsStringAsync(Ct);
        Assert.True(expected == response.StatusCode, $"expected {(int)expected}, got {(int)response.StatusCode}: {body}");
        return JsonSerializer.Deserialize<T>(body, Json)!;
    }

    /// <summary>Asserts a problem+json answer with the status and reason code; returns the document for more checks.</summary>
    public static async Task<JsonElement> ProblemAsync(this HttpResponseMessage response, HttpStatusCode status, string reason)
    {
        var body = await response.Content.ReadAsStringAsync(Ct);
        Assert.True(status == response.StatusCode, $"expected {(int)status}, got {(int)response.StatusCode}: {body}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = JsonDocument.Parse(body).RootElement;
        Assert.Equal(reason, problem.GetProperty("reason").GetString());
        Assert.Equal((int)status, problem.GetProperty("status").GetInt32());
        return problem;
    }

    public static Task<HttpResponseMessage> PostJsonAsync(this HttpClient http, string path, string json) =>
        http.PostAsync(path, new StringContent(json, Encoding.UTF8, "application/json"), Ct);

    public static Task<HttpResponseMessage> PostAsync<T>(this HttpClient http, string path, T body) => http.PostAsJsonAsync(path, body, Json, Ct);

    public static Task<HttpResponseMessage> PutAsync<T>(this HttpClient http, string path, T body) => http.PutAsJsonAsync(path, body, Json, Ct);

    public static async Task<TaskResponse> CreateTwoMoonsTaskAsync(this HttpClient http, string id, PolicyUpdate? policy = null) =>
        await (await http.PostAsync("/v1/tasks", new CreateTaskRequest(id, TwoMoons.Features, TwoMoons.Classes, policy))).ReadAsync<TaskResponse>(HttpStatusCode.Created);

    public static async Task<BootstrapResponse> BootstrapAsync(this HttpClient http, string id, IEnumerable<LabeledExample> training, IEnumerable<LabeledExample> golden) =>
        await (await http.PostAsync($"/v1/tasks/{id}/bootstrap", new BootstrapRequest([.. training.Select(Row)], [.. golden.Select(Row)]))).ReadAsync<BootstrapResponse>();

    public static async Task<TaskResponse> ReadyTaskAsync(this HttpClient http, string id, int seed = 1, PolicyUpdate? policy = null)
    {
        var data = TwoMoons.Generate(500, seed);
        await http.CreateTwoMoonsTaskAsync(id, policy);
        await http.BootstrapAsync(id, data[..200], data[200..400]);
        return await (await http.GetAsync($"/v1/tasks/{id}", Ct)).ReadAsync<TaskResponse>();
    }

    public static LabeledRow Row(LabeledExample e) => new(Features(e), TwoMoons.Classes[e.Label]);

    public static Dictionary<string, double> Features(LabeledExample e) => new() { ["x"] = e.Features[0], ["y"] = e.Features[1] };

    public static async Task<TaskMetricsResponse> MetricsAsync(this HttpClient http, string id) =>
        await (await http.GetAsync($"/v1/tasks/{id}/metrics", Ct)).ReadAsync<TaskMetricsResponse>();
}
