using Microsoft.AspNetCore.StaticFiles;
using Microsoft.Extensions.FileProviders;
using Microsoft.Net.Http.Headers;

namespace SelfDissonance.Silo.Hosting;

/// <summary>The task console: static pages under <c>/console/</c> that read API v1 from the browser.</summary>
public static class TaskConsole
{
    public const string Path = "/console";

    /// <summary>The content security policy of every console file: the pages load only their own scripts, styles and API calls.</summary>
    public const string ContentSecurityPolicy = "default-src 'self'; img-src 'self' data:; frame-ancestors 'none'; base-uri 'self'; form-action 'self'";

    /// <summary>
    /// The web root next to the silo's assembly, not under the content root: tests host the silo in-process with their
    /// own working directory, and scripts run the DLL from bin/; both get the files the build copied there.
    /// </summary>
    public static string WebRoot { get; } = System.IO.Path.Combine(AppContext.BaseDirectory, "wwwroot");

    public static WebApplication UseTaskConsole(this WebApplication app)
    {
        // /console answers a redirect to /console/ (DefaultFiles appends the slash), which then serves index.html.
        var files = ConsoleFiles(app);
        app.UseDefaultFiles(new DefaultFilesOptions { RequestPath = Path, FileProvider = files });
        app.UseStaticFiles(new StaticFileOptions
        {
            RequestPath = Path,
            FileProvider = files,
            ContentTypeProvider = ContentTypes(),
            OnPrepareResponse = static context => SetHeaders(context.Context),
        });
        return app;
    }

    /// <summary>The site root has nothing of its own; send people to the console.</summary>
    public static IEndpointRouteBuilder MapConsoleRedirect(this IEndpointRouteBuilder app)
    {
        app.MapGet("/", () => Results.Redirect(Path + "/")).ExcludeFromDescription().AllowAnonymous();
        return app;
    }

    private static IFileProvider ConsoleFiles(WebApplication app)
    {
        var folder = System.IO.Path.Combine(app.Environment.WebRootPath ?? WebRoot, "console");
        return Directory.Exists(folder) ? new PhysicalFileProvider(folder) : new NullFileProvider();
    }

    private static FileExtensionContentTypeProvider ContentTypes()
    {
        var types = new FileExtensionContentTypeProvider();
        types.Mappings[".js"] = "text/javascript; charset=utf-8";
        types.Mappings[".css"] = "text/css; charset=utf-8";
        types.Mappings[".html"] = "text/html; charset=utf-8";
        types.Mappings[".md"] = "text/markdown; charset=utf-8";
        return types;
    }

    private static void SetHeaders(HttpContext context)
    {
        var headers = context.Response.Headers;
        headers[HeaderNames.XContentTypeOptions] = "nosniff";
        headers[HeaderNames.ContentSecurityPolicy] = ContentSecurityPolicy;
        headers["Referrer-Policy"] = "no-referrer";
        // Our own pages and scripts change with every deploy under the same names: revalidate (ETag) each time. The
        // vendored library changes only with its pinned version, so a day of caching costs nothing.
        headers[HeaderNames.CacheControl] = context.Request.Path.StartsWithSegments(Path + "/vendor", StringComparison.Ordinal)
            ? "public, max-age=86400"
            : "no-cache";
    }
}
