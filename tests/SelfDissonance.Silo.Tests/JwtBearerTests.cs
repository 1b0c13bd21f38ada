using System.Net;
using System.Net.Http.Headers;
using System.Security.Claims;
using System.Text;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using SelfDissonance.Client.Contracts;
using SelfDissonance.Testing;
using static SelfDissonance.Testing.Api;

namespace SelfDissonance.Silo.Tests;

/// <summary>JWT bearer tokens from a configured issuer carry the same scopes and task limits as API keys.</summary>
public sealed class JwtBearerTests
{
    private const string Issuer = "https://issuer.test";
    private const string Audience = "selfdissonance";
    private const string SigningKey = "jwt-test-signing-key-of-at-least-32-bytes!";

    [Fact]
    public async Task A_token_with_scope_and_task_claims_is_authorized_like_a_key()
    {
        await using var host = new GatewayHost(new()
        {
            ["SelfDissonance:Security:Jwt:Issuer"] = Issuer,
            ["SelfDissonance:Security:Jwt:Audience"] = Audience,
            ["SelfDissonance:Security:Jwt:SigningKey"] = SigningKey,
        });
        await host.StartAsync();
        await host.Http.CreateTwoMoonsTaskAsync("jwt-mine");
        await host.Http.CreateTwoMoonsTaskAsync("jwt-theirs");
        using var client = host.CreateClient(null);

        var token = Mint(SigningKey, Issuer, Audience, "svc-dashboard", "read policy:admin", "jwt-mine");
        Assert.Equal(HttpStatusCode.OK, (await Send(client, HttpMethod.Get, "/v1/tasks/jwt-mine", token)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await Send(client, HttpMethod.Put, "/v1/tasks/jwt-mine/policy", token, """{"minBatch":48}""")).StatusCode);
        await (await Send(client, HttpMethod.Get, "/v1/tasks/jwt-theirs", token)).ProblemAsync(HttpStatusCode.Forbidden, ReasonCodes.TaskForbidden);
        await (await Send(client, HttpMethod.Post, "/v1/tasks/jwt-mine/learn", token)).ProblemAsync(HttpStatusCode.Forbidden, ReasonCodes.InsufficientScope);
        // Who changed the policy: the token's subject.
        var history = await (await Send(client, HttpMethod.Get, "/v1/tasks/jwt-mine/policy/history", token)).ReadAsync<List<PolicyChangeResponse>>();
        Assert.Equal("jwt:svc-dashboard", history[^1].By);

        foreach (var bad in new[]
        {
            Mint("another-signing-key-of-at-least-32-bytes!!", Issuer, Audience, "x", "read", null),
            Mint(SigningKey, "https://someone-else", Audience, "x", "read", null),
            Mint(SigningKey, Issuer, "other-audience", "x", "read", null),
            Mint(SigningKey, Issuer, Audience, "x", "read", null, expires: DateTime.UtcNow.AddMinutes(-5)),
        })
        {
            var refused = await Send(client, HttpMethod.Get, "/v1/tasks", bad);
            await refused.ProblemAsync(HttpStatusCode.Unauthorized, ReasonCodes.InvalidToken);
            Assert.Contains(refused.Headers.WwwAuthenticate, h => h.Scheme == "Bearer");
        }

        // API keys keep working next to tokens.
        Assert.Equal(HttpStatusCode.OK, (await host.Http.GetAsync("/v1/tasks", Ct)).StatusCode);
    }

    private static string Mint(string key, string issuer, string audience, string subject, string scope, string? tasks, DateTime? expires = null)
    {
        var claims = new Dictionary<string, object> { ["scope"] = scope };
        if (tasks is not null)
        {
            claims["sd_tasks"] = tasks;
        }

        var notBefore = (expires ?? DateTime.UtcNow.AddMinutes(10)).AddMinutes(-20);
        return new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
        {
            Issuer = issuer,
            Audience = audience,
            Subject = new ClaimsIdentity([new Claim("sub", subject)]),
            Claims = claims,
            NotBefore = notBefore,
            IssuedAt = notBefore,
            Expires = expires ?? DateTime.UtcNow.AddMinutes(10),
            SigningCredentials = new SigningCredentials(new SymmetricSecurityKey(Encoding.UTF8.GetBytes(key)), SecurityAlgorithms.HmacSha256),
        });
    }

    private static Task<HttpResponseMessage> Send(HttpClient client, HttpMethod method, string path, string token, string? json = null)
    {
        var request = new HttpRequestMessage(method, path);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        if (json is not null)
        {
            request.Content = new StringContent(json, Encoding.UTF8, "application/json");
        }

        return client.SendAsync(request, Ct);
    }
}
