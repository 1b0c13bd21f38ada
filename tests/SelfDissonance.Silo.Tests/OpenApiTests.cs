using System.Text.Json;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using static SelfDissonance.Testing.Api;

namespace SelfDissonance.Silo.Tests;

/// <summary>The OpenAPI document at /openapi/v1.json describes every API v1 route the gateway serves, with its bodies.</summary>
public sealed class OpenApiTests(GatewayFixture fixture)
{
    [Fact]
    public async Task Every_v1_route_is_in_the_openapi_document_with_its_bodies_and_problem_answers()
    {
        var response = await fixture.Http.GetAsync("/openapi/v1.json", Ct);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        var document = JsonDocument.Parse(await response.Content.ReadAsStringAsync(Ct)).RootElement;
        Assert.StartsWith("3.", document.GetProperty("openapi").GetString(), StringComparison.Ordinal);
        Assert.Equal("SelfDissonance API", document.GetProperty("info").GetProperty("title").GetString());
        var paths = document.GetProperty("paths");

        // What the gateway really serves, from its own route table.
        var served = fixture.Host.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>()
            .Where(e => e.RoutePattern.RawText?.StartsWith("/v1/", StringComparison.Ordinal) == true)
            .SelectMany(e => (e.Metadata.GetMetadata<HttpMethodMetadata>()?.HttpMethods ?? []).Select(m => (Path: e.RoutePattern.RawText!, Method: m.ToLowerInvariant())))
            .ToList();
        Assert.True(served.Count >= 16, $"only {served.Count} v1 routes found");
        foreach (var (path, method) in served)
        {
            Assert.True(paths.TryGetProperty(path, out var item) && item.TryGetProperty(method, out _), $"{method.ToUpperInvariant()} {path} is missing from the document");
            var operation = item.GetProperty(method);
            Assert.False(string.IsNullOrEmpty(operation.GetProperty("operationId").GetString()), $"{method} {path} has no operationId");
            Assert.True(operation.GetProperty("responses").TryGetProperty("400", out var bad) && bad.GetProperty("content").TryGetProperty("application/problem+json", out _), $"{method} {path} does not declare its problem answers");
        }

        var episode = paths.GetProperty("/v1/tasks/{task}/episodes").GetProperty("post");
        Assert.True(episode.GetProperty("requestBody").GetProperty("content").TryGetProperty("application/json", out _));
        var ok = episode.GetProperty("responses").GetProperty("200").GetProperty("content").GetProperty("application/json").GetProperty("schema");
        Assert.Contains("EpisodeResponse", ok.GetRawText(), StringComparison.Ordinal);
        Assert.True(document.GetProperty("components").GetProperty("schemas").TryGetProperty("EpisodeResponse", out _));
        Assert.True(paths.GetProperty("/v1/tasks/{task}/episodes:batch").GetProperty("post").GetProperty("responses").TryGetProperty("202", out _));
        Assert.True(paths.GetProperty("/v1/tasks/{task}/bootstrap").GetProperty("post").GetProperty("requestBody").GetProperty("content").TryGetProperty("text/csv", out _));
    }
}
