namespace SelfDissonance.Silo.Security;

/// <summary>
/// Where a request carries an API key: the X-Api-Key header, <c>Authorization: ApiKey …</c> or <c>Bearer sd_…</c>
/// (what scrapers like Prometheus can send), or the console's sign-in cookie.
/// </summary>
public static class ApiKeyCarrier
{
    public const string Header = "X-Api-Key";

    /// <summary>HttpOnly, SameSite=Strict, Secure over HTTPS: set by POST /login, sent by the browser to /v1 and the dashboard.</summary>
    public const string Cookie = "sd_key";

    public static string? Read(HttpRequest request)
    {
        if (request.Headers[Header].FirstOrDefault() is { Length: > 0 } header)
        {
            return header.Trim();
        }

        if (request.Headers.Authorization.FirstOrDefault() is { Length: > 0 } authorization)
        {
            if (authorization.StartsWith("ApiKey ", StringComparison.OrdinalIgnoreCase))
            {
                return authorization[7..].Trim();
            }

            if (authorization.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase) && !IsJwt(authorization[7..].Trim()))
            {
                return authorization[7..].Trim();
            }
        }

        return request.Cookies[Cookie] is { Length: > 0 } cookie ? cookie : null;
    }

    /// <summary>A compact JWS has three dot-separated parts; our keys have none.</summary>
    public static bool IsJwt(string token) => token.Count(c => c == '.') == 2;

    public static bool HasBearerJwt(HttpRequest request) =>
        request.Headers.Authorization.FirstOrDefault() is { } authorization
        && authorization.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase)
        && IsJwt(authorization[7..].Trim());
}
