using Microsoft.Extensions.FileProviders;
using SelfDissonance.Silo.Gateway;
using SelfDissonance.Silo.Hosting;

namespace SelfDissonance.Silo.Security;

/// <summary>
/// Sign-in for browser pages: /login/ (a form) posts a key to POST /session, which checks it and sets it as an HttpOnly,
/// SameSite=Strict cookie (Secure over HTTPS). The console's scripts and the dashboard then call the API with it.
/// DELETE /session signs out. (Not under /login: a route there would shadow the page's static files.)
/// </summary>
public static class LoginEndpoints
{
    /// <summary>The sign-in page's files: public, served before authorization.</summary>
    public static WebApplication UseLoginPage(this WebApplication app)
    {
        var folder = Path.Combine(app.Environment.WebRootPath ?? TaskConsole.WebRoot, "login");
        IFileProvider files = Directory.Exists(folder) ? new PhysicalFileProvider(folder) : new NullFileProvider();
        app.UseDefaultFiles(new DefaultFilesOptions { RequestPath = BrowserPages.Login, FileProvider = files });
        app.UseStaticFiles(new StaticFileOptions
        {
            RequestPath = BrowserPages.Login,
            FileProvider = files,
            OnPrepareResponse = static context =>
            {
                var headers = context.Context.Response.Headers;
                headers.XContentTypeOptions = "nosniff";
                headers.ContentSecurityPolicy = TaskConsole.ContentSecurityPolicy;
                headers["Referrer-Policy"] = "no-referrer";
                headers.CacheControl = "no-cache";
            },
        });
        return app;
    }

    public static IEndpointRouteBuilder MapLoginEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapPost(BrowserPages.Session, LoginAsync).AllowAnonymous().ExcludeFromDescription();
        app.MapDelete(BrowserPages.Session, Logout).AllowAnonymous().ExcludeFromDescription();
        return app;
    }

    private static async Task<IResult> LoginAsync(HttpContext context, ApiKeyValidator validator)
    {
        var form = context.Request.HasFormContentType;
        string? key;
        string? returnUrl = null;
        if (form)
        {
            var fields = await context.Request.ReadFormAsync(context.RequestAborted);
            key = fields["key"].FirstOrDefault();
            returnUrl = fields["returnUrl"].FirstOrDefault();
        }
        else
        {
            key = (await RequestReader.ReadJsonAsync<LoginRequest>(context.Request, context.RequestAborted)).Key;
        }

        key = key?.Trim();
        if (string.IsNullOrEmpty(key) || await validator.ValidateAsync(key) is null)
        {
            if (form)
            {
                return Results.Redirect($"{BrowserPages.Login}/?error=invalid_api_key&returnUrl={Uri.EscapeDataString(BrowserPages.SafeReturnUrl(returnUrl))}", preserveMethod: false);
            }

            throw new DomainException(ReasonCodes.InvalidApiKey, StatusCodes.Status401Unauthorized, "The API key is not valid.", "Unknown, mistyped or revoked.");
        }

        context.Response.Cookies.Append(ApiKeyCarrier.Cookie, key, new CookieOptions
        {
            HttpOnly = true,
            Secure = context.Request.IsHttps,
            SameSite = SameSiteMode.Strict,
            Path = "/",
            IsEssential = true,
        });
        context.Response.Headers.CacheControl = "no-store";
        return form ? Results.LocalRedirect(BrowserPages.SafeReturnUrl(returnUrl)) : Results.NoContent();
    }

    private static IResult Logout(HttpContext context)
    {
        context.Response.Cookies.Delete(ApiKeyCarrier.Cookie, new CookieOptions { Path = "/", Secure = context.Request.IsHttps, SameSite = SameSiteMode.Strict, HttpOnly = true });
        return Results.NoContent();
    }
}
