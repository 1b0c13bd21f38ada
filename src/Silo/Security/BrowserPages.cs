namespace SelfDissonance.Silo.Security;

/// <summary>Pages people open in a browser: an unauthenticated visit is sent to the sign-in page instead of a 401.</summary>
public static class BrowserPages
{
    public const string Login = "/login";

    /// <summary>POST: sign in (sets the cookie); DELETE: sign out.</summary>
    public const string Session = "/session";

    public static bool Is(HttpRequest request) =>
        (request.Path.StartsWithSegments(Hosting.TaskConsole.Path, StringComparison.OrdinalIgnoreCase)
            || request.Path.StartsWithSegments("/dashboard", StringComparison.OrdinalIgnoreCase))
        && HttpMethods.IsGet(request.Method)
        && request.Headers.Accept.Any(a => a is not null && a.Contains("text/html", StringComparison.OrdinalIgnoreCase));

    public static string LoginUrl(HttpRequest request) =>
        $"{Login}/?returnUrl={Uri.EscapeDataString(request.PathBase + request.Path + request.QueryString)}";

    /// <summary>Only a local path: never an open redirect.</summary>
    public static string SafeReturnUrl(string? returnUrl) =>
        returnUrl is { Length: > 1 } url && url[0] == '/' && url[1] is not '/' and not '\\' ? url : Hosting.TaskConsole.Path + "/";
}
