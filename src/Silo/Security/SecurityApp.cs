using System.Net;
using System.Text;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.AspNetCore.Authorization;
using Microsoft.IdentityModel.Tokens;

namespace SelfDissonance.Silo.Security;

/// <summary>
/// Access control of the gateway silo in one place: API keys and JWT bearer tokens, scope policies on every API v1
/// route, sign-in for the console and the dashboard, per-key rate limits, the admin key's first start and the
/// --insecure-dev switch.
/// </summary>
public static class SecurityApp
{
    public const string InsecureDevSwitch = "--insecure-dev";

    /// <summary>The scheme every request is authenticated with: it forwards to JWT bearer or API keys by what the request carries.</summary>
    public const string Scheme = "SelfDissonance";

    /// <summary>Takes --insecure-dev out of the arguments (it is a switch, not a configuration key=value).</summary>
    public static string[] ReadSwitches(string[] args, out bool insecureDev)
    {
        insecureDev = args.Contains(InsecureDevSwitch, StringComparer.Ordinal);
        return [.. args.Where(a => a != InsecureDevSwitch)];
    }

    public static WebApplicationBuilder AddSelfDissonanceSecurity(this WebApplicationBuilder builder, bool insecureDev)
    {
        var configuration = builder.Configuration;
        if (insecureDev)
        {
            configuration.AddInMemoryCollection([new($"{SecurityOptions.Section}:{nameof(SecurityOptions.InsecureDev)}", "true")]);
        }

        var security = configuration.GetSection(SecurityOptions.Section).Get<SecurityOptions>() ?? new SecurityOptions();
        if (security.InsecureDev)
        {
            RefuseNonLoopback(configuration);
        }

        var services = builder.Services;
        services.AddOptions<SecurityOptions>().BindConfiguration(SecurityOptions.Section).ValidateDataAnnotations()
            .Validate(o => !o.Jwt.Enabled || Encoding.UTF8.GetByteCount(o.Jwt.SigningKey!) >= 32, "SelfDissonance:Security:Jwt:SigningKey must be at least 32 bytes (HS256).")
            .ValidateOnStart();
        // No "Server: Kestrel" on any answer, /healthz included.
        builder.WebHost.ConfigureKestrel(k => k.AddServerHeader = false);

        services.AddSingleton<ApiKeyValidator>();
        services.AddHostedService<ApiKeySubscription>();
        services.AddHostedService<AdminKeyBootstrap>();

        var authentication = services.AddAuthentication(Scheme)
            .AddPolicyScheme(Scheme, "API key or JWT", o =>
            {
                o.ForwardDefaultSelector = context => security.Jwt.Enabled && ApiKeyCarrier.HasBearerJwt(context.Request) ? JwtBearerDefaults.AuthenticationScheme : ApiKeyAuthenticationHandler.SchemeName;
                // Whatever authenticated, refusals read the same: problem+json, or the sign-in page for browser pages.
                o.ForwardChallenge = ApiKeyAuthenticationHandler.SchemeName;
                o.ForwardForbid = ApiKeyAuthenticationHandler.SchemeName;
            })
            .AddScheme<AuthenticationSchemeOptions, ApiKeyAuthenticationHandler>(ApiKeyAuthenticationHandler.SchemeName, null);
        if (security.Jwt.Enabled)
        {
            authentication.AddJwtBearer(o =>
            {
                o.MapInboundClaims = false;
                o.TokenValidationParameters = new TokenValidationParameters
                {
                    ValidIssuer = security.Jwt.Issuer,
                    ValidateIssuer = !string.IsNullOrEmpty(security.Jwt.Issuer),
                    ValidAudience = security.Jwt.Audience,
                    ValidateAudience = !string.IsNullOrEmpty(security.Jwt.Audience),
                    IssuerSigningKey = new SymmetricSecurityKey(Encoding.UTF8.GetBytes(security.Jwt.SigningKey!)),
                    ValidAlgorithms = [SecurityAlgorithms.HmacSha256],
                    NameClaimType = "sub",
                    ClockSkew = TimeSpan.FromSeconds(30),
                };
                o.Events = new JwtBearerEvents
                {
                    OnAuthenticationFailed = context =>
                    {
                        context.HttpContext.Items[ApiKeyAuthenticationHandler.FailureItem] = ReasonCodes.InvalidToken;
                        return Task.CompletedTask;
                    },
                };
            });
        }

        services.AddAuthorizationBuilder()
            // A route nobody gave a policy still needs a caller: new routes are closed until someone decides.
            .SetFallbackPolicy(new AuthorizationPolicyBuilder(Scheme).RequireAuthenticatedUser().Build())
            .AddPolicy(ApiScopes.ClusterReadPolicy, p => p.RequireAuthenticatedUser().AddRequirements(new ScopeRequirement(ApiScopes.Read, EveryTask: true)));
        services.Configure<AuthorizationOptions>(o =>
        {
            foreach (var scope in ApiScopes.All)
            {
                o.AddPolicy(ApiScopes.Policy(scope), p => p.RequireAuthenticatedUser().AddRequirements(new ScopeRequirement(scope, EveryTask: scope == ApiScopes.KeysAdmin)));
            }
        });
        services.AddSingleton<IAuthorizationHandler, ScopeAuthorizationHandler>();
        services.AddSingleton<IAuthorizationMiddlewareResultHandler, ProblemAuthorizationResultHandler>();
        services.AddKeyRateLimits();
        return builder;
    }

    /// <summary>After routing: who is calling, their rate, the public sign-in page, then what they may do.</summary>
    public static WebApplication UseSelfDissonanceSecurity(this WebApplication app)
    {
        app.UseAuthentication();
        app.UseRateLimiter();
        app.UseLoginPage();
        app.UseAuthorization();
        if (app.Services.GetRequiredService<Microsoft.Extensions.Options.IOptions<SecurityOptions>>().Value.InsecureDev)
        {
            LogInsecure(app.Services.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(SecurityApp).FullName!));
        }

        return app;
    }

    /// <summary>Every API v1 route gets the policy of its scope (<see cref="ApiScopes.ByOperation"/>) and the audit filter.</summary>
    public static RouteGroupBuilder RequireScopes(this RouteGroupBuilder v1)
    {
        v1.AddEndpointFilter(AuditTrail.FilterAsync);
        ((IEndpointConventionBuilder)v1).Finally(endpoint =>
        {
            var name = endpoint.Metadata.OfType<IEndpointNameMetadata>().LastOrDefault()?.EndpointName;
            if (name is null || !ApiScopes.ByOperation.TryGetValue(name, out var scope))
            {
                throw new InvalidOperationException($"API v1 route '{endpoint.DisplayName}' ({name ?? "no name"}) has no scope: add it to {nameof(ApiScopes)}.{nameof(ApiScopes.ByOperation)}.");
            }

            endpoint.Metadata.Add(new AuthorizeAttribute(ApiScopes.Policy(scope)));
        });
        return v1;
    }

    /// <summary>Builds every endpoint now, so a v1 route without a scope stops the silo at start rather than at its first request.</summary>
    public static void VerifyEndpoints(this WebApplication app)
    {
        foreach (var source in ((IEndpointRouteBuilder)app).DataSources)
        {
            _ = source.Endpoints.Count;
        }
    }

    /// <summary>/metrics: cluster-wide read access, unless SelfDissonance:Security:MetricsRequireAuth is false.</summary>
    public static TBuilder RequireMetricsAuthorization<TBuilder>(this TBuilder endpoint, IConfiguration configuration)
        where TBuilder : IEndpointConventionBuilder
    {
        var security = configuration.GetSection(SecurityOptions.Section).Get<SecurityOptions>() ?? new SecurityOptions();
        return security.MetricsRequireAuth ? endpoint.RequireAuthorization(ApiScopes.ClusterReadPolicy) : endpoint.AllowAnonymous();
    }

    private static void RefuseNonLoopback(IConfiguration configuration)
    {
        var urls = (configuration["urls"] ?? "").Split(';', StringSplitOptions.RemoveEmptyEntries)
            .Concat(configuration.GetSection("Kestrel:Endpoints").GetChildren().Select(e => e["Url"] ?? ""))
            .Where(u => u.Length > 0)
            .ToList();
        var exposed = urls.Where(u => !IsLoopbackUrl(u)).ToList();
        if (exposed.Count > 0 || !string.IsNullOrEmpty(configuration["http_ports"]) || !string.IsNullOrEmpty(configuration["https_ports"]))
        {
            throw new InvalidOperationException($"{InsecureDevSwitch} turns authentication off and is allowed on loopback addresses only; this silo would listen on {string.Join(", ", exposed.DefaultIfEmpty("every address (http_ports/https_ports)"))}.");
        }
    }

    private static bool IsLoopbackUrl(string url)
    {
        var host = BindingAddressHost(url);
        return host.Equals("localhost", StringComparison.OrdinalIgnoreCase) || (IPAddress.TryParse(host.Trim('[', ']'), out var ip) && IPAddress.IsLoopback(ip));
    }

    private static string BindingAddressHost(string url)
    {
        var rest = url.Contains("://", StringComparison.Ordinal) ? url[(url.IndexOf("://", StringComparison.Ordinal) + 3)..] : url;
        var end = rest.StartsWith('[') ? rest.IndexOf(']', StringComparison.Ordinal) + 1 : rest.IndexOfAny([':', '/']);
        return end > 0 ? rest[..end] : rest;
    }

    private static void LogInsecure(ILogger logger) => SecurityLog.InsecureDev(logger);
}

internal static partial class SecurityLog
{
    [LoggerMessage(Level = LogLevel.Critical, Message = "!!! --insecure-dev: AUTHENTICATION IS OFF for loopback callers. Every local process can read and change everything. Never use this outside a developer machine. !!!")]
    public static partial void InsecureDev(ILogger logger);
}
