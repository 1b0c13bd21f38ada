using System.Net;
using System.Security.Claims;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;
using SelfDissonance.Silo.Gateway;

namespace SelfDissonance.Silo.Security;

/// <summary>
/// Authenticates API keys (<see cref="ApiKeyCarrier"/>) and answers for the whole service when a caller is not let in:
/// 401 problem+json with WWW-Authenticate for API callers, a redirect to the sign-in page for browser pages, 403
/// problem+json for a key without the right scope or task.
/// </summary>
public sealed class ApiKeyAuthenticationHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options,
    ILoggerFactory logger,
    UrlEncoder encoder,
    ApiKeyValidator validator,
    IOptions<SecurityOptions> security) : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    public const string SchemeName = "ApiKey";

    /// <summary>Set by a scheme that saw credentials and refused them: the reason code of the 401.</summary>
    public const string FailureItem = "sd.auth.failure";

    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        var presented = ApiKeyCarrier.Read(Request);
        if (presented is null)
        {
            if (security.Value.InsecureDev && Context.Connection.RemoteIpAddress is { } remote && IPAddress.IsLoopback(remote))
            {
                return AuthenticateResult.Success(new AuthenticationTicket(InsecureDevUser(), SchemeName));
            }

            return AuthenticateResult.NoResult();
        }

        var key = await validator.ValidateAsync(presented);
        if (key is null)
        {
            Context.Items[FailureItem] = ReasonCodes.InvalidApiKey;
            return AuthenticateResult.Fail("The API key is not valid (unknown, wrong or revoked).");
        }

        return AuthenticateResult.Success(new AuthenticationTicket(SecurityClaims.ForKey(key, SchemeName), SchemeName));
    }

    protected override async Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        if (BrowserPages.Is(Request))
        {
            Response.Redirect(BrowserPages.LoginUrl(Request));
            return;
        }

        Response.Headers.WWWAuthenticate = security.Value.Jwt.Enabled
            ? new[] { "ApiKey realm=\"selfdissonance\"", "Bearer realm=\"selfdissonance\"" }
            : new[] { "ApiKey realm=\"selfdissonance\"" };
        var reason = Context.Items[FailureItem] as string ?? ReasonCodes.Unauthenticated;
        var title = reason == ReasonCodes.Unauthenticated ? "Authentication required." : "The credentials were refused.";
        await Problems.WriteAsync(Context, StatusCodes.Status401Unauthorized, reason, title,
            $"Send an API key as the {ApiKeyCarrier.Header} header (or Authorization: Bearer <key>), or a JWT bearer token.");
    }

    protected override Task HandleForbiddenAsync(AuthenticationProperties properties) =>
        Problems.WriteAsync(Context, StatusCodes.Status403Forbidden, ReasonCodes.InsufficientScope, "The key may not do this.", "Ask for a key with the route's scope (see the README's scope table).");

    private static ClaimsPrincipal InsecureDevUser() => new(new ClaimsIdentity(
        [new Claim(ClaimTypes.NameIdentifier, "insecure-dev"), new Claim(SecurityClaims.Scope, string.Join(' ', ApiScopes.All))], "InsecureDev", ClaimTypes.NameIdentifier, null));
}
