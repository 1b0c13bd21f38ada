using System.Net;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using SelfDissonance.Silo.Security;
using SelfDissonance.Testing;
using static SelfDissonance.Testing.Api;

namespace SelfDissonance.Silo.Tests;

/// <summary>No key, no API: every v1 route answers 401 problem+json with WWW-Authenticate; probes stay public and bare.</summary>
public sealed class AuthenticationTests(GatewayFixture fixture)
{
    [Fact]
    public async Task Every_v1_route_refuses_a_request_without_a_key()
    {
        using var anonymous = fixture.Host.CreateClient(null);
        var routes = fixture.Host.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>()
            .Where(e => e.RoutePattern.RawText?.StartsWith("/v1/", StringComparison.Ordinal) == true)
            .SelectMany(e => (e.Metadata.GetMetadata<HttpMethodMetadata>()?.HttpMethods ?? ["GET"]).Select(m => (Method: m, Path: Fill(e.RoutePattern.RawText!))))
            .ToList();
        Assert.True(routes.Count >= 20, $"only {routes.Count} v1 routes found");

        foreach (var (method, path) in routes)
        {
            using var request = new HttpRequestMessage(new HttpMethod(method), path) { Content = method is "POST" or "PUT" ? new StringContent("{}", System.Text.Encoding.UTF8, "application/json") : null };
            using var response = await anonymous.SendAsync(request, Ct);
            var problem = await response.ProblemAsync(HttpStatusCode.Unauthorized, ReasonCodes.Unauthenticated);
            Assert.Contains(response.Headers.WwwAuthenticate, h => h.Scheme == "ApiKey");
            Assert.Equal(path.Split('?')[0], problem.GetProperty("instance").GetString());
        }
    }

    [Fact]
    public async Task A_wrong_or_malformed_key_is_refused_as_invalid()
    {
        foreach (var key in new[] { "nope", "sd_0123456789ab_" + new string('A', 43), TestKeys.Admin + "x" })
        {
            using var client = fixture.Host.CreateClient(key);
            await (await client.GetAsync("/v1/tasks", Ct)).ProblemAsync(HttpStatusCode.Unauthorized, ReasonCodes.InvalidApiKey);
        }
    }

    [Fact]
    public async Task The_key_is_accepted_in_the_header_as_a_bearer_token_and_as_the_sign_in_cookie()
    {
        using var anonymous = fixture.Host.CreateClient(null, new HttpClientHandler { UseCookies = false });
        using var bearer = new HttpRequestMessage(HttpMethod.Get, "/v1/tasks");
        bearer.Headers.Authorization = new("Bearer", fixture.Host.AdminKey);
        Assert.Equal(HttpStatusCode.OK, (await anonymous.SendAsync(bearer, Ct)).StatusCode);

        // Signing in checks the key and sets it as an HttpOnly, SameSite=Strict cookie (not Secure over plain HTTP).
        using var wrong = await anonymous.PostJsonAsync("/session", """{"key":"not-a-key-at-all"}""");
        await wrong.ProblemAsync(HttpStatusCode.Unauthorized, ReasonCodes.InvalidApiKey);
        using var login = await anonymous.PostJsonAsync("/session", $$"""{"key":"{{fixture.Host.AdminKey}}"}""");
        Assert.Equal(HttpStatusCode.NoContent, login.StatusCode);
        var cookie = Assert.Single(login.Headers.GetValues("Set-Cookie"));
        Assert.StartsWith(ApiKeyCarrier.Cookie + "=", cookie, StringComparison.Ordinal);
        Assert.Contains("httponly", cookie, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("samesite=strict", cookie, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("secure", cookie.Replace("samesite", "", StringComparison.OrdinalIgnoreCase), StringComparison.OrdinalIgnoreCase);

        using var withCookie = new HttpRequestMessage(HttpMethod.Get, "/v1/tasks");
        withCookie.Headers.Add("Cookie", cookie.Split(';')[0]);
        Assert.Equal(HttpStatusCode.OK, (await anonymous.SendAsync(withCookie, Ct)).StatusCode);
    }

    [Fact]
    public async Task Browser_pages_send_an_anonymous_visitor_to_the_sign_in_page()
    {
        using var anonymous = fixture.Host.CreateClient(null, new HttpClientHandler { AllowAutoRedirect = false });
        foreach (var page in new[] { "/console/", "/console/task.html?task=x", "/dashboard" })
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, page);
            request.Headers.Accept.ParseAdd("text/html");
            using var response = await anonymous.SendAsync(request, Ct);
            Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
            Assert.Equal($"/login/?returnUrl={Uri.EscapeDataString(page)}", response.Headers.Location!.OriginalString);
        }

        using var signIn = await anonymous.GetAsync("/login/", Ct);
        Assert.Equal(HttpStatusCode.OK, signIn.StatusCode);
        Assert.Contains("action=\"/session\"", await signIn.Content.ReadAsStringAsync(Ct), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Health_probes_are_public_and_reveal_nothing_while_metrics_need_a_key()
    {
        using var anonymous = fixture.Host.CreateClient(null);
        foreach (var probe in new[] { "/healthz", "/readyz" })
        {
            using var response = await anonymous.GetAsync(probe, Ct);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Equal("Healthy", await response.Content.ReadAsStringAsync(Ct));
            Assert.Empty(response.Headers.Server);
            Assert.False(response.Headers.Contains("X-Powered-By"));
        }

        await (await anonymous.GetAsync("/metrics", Ct)).ProblemAsync(HttpStatusCode.Unauthorized, ReasonCodes.Unauthenticated);
        Assert.Equal(HttpStatusCode.OK, (await fixture.Http.GetAsync("/metrics", Ct)).StatusCode);
        // An unknown path is not a way to probe what exists.
        await (await anonymous.GetAsync("/no/such/route", Ct)).ProblemAsync(HttpStatusCode.Unauthorized, ReasonCodes.Unauthenticated);
    }

    [Fact]
    public async Task Metrics_can_be_left_open_for_a_trusted_scraper_network_and_nothing_else_opens_with_them()
    {
        await using var host = new GatewayHost(new() { ["SelfDissonance:Security:MetricsRequireAuth"] = "false" });
        await host.StartAsync();
        using var anonymous = host.CreateClient(null);

        Assert.Equal(HttpStatusCode.OK, (await anonymous.GetAsync("/metrics", Ct)).StatusCode);
        await (await anonymous.GetAsync("/v1/tasks", Ct)).ProblemAsync(HttpStatusCode.Unauthorized, ReasonCodes.Unauthenticated);
    }

    private static string Fill(string pattern) =>
        System.Text.RegularExpressions.Regex.Replace(pattern, @"\{(\w+)[^}]*\}", m => m.Groups[1].Value switch
        {
            "task" => "auth-task",
            "role" => "proposer",
            _ => "auth-id",
        });
}
