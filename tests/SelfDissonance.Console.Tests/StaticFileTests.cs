using System.Net;
using System.Text.RegularExpressions;
using SelfDissonance.Silo.Hosting;
using SelfDissonance.Testing;
using static SelfDissonance.Testing.Api;

namespace SelfDissonance.Console.Tests;

/// <summary>The console's files as the silo serves them: types, security and cache headers, redirects.</summary>
public sealed class StaticFileTests(ConsoleFixture fixture)
{
    private static string ConsoleSource => Path.Combine(RepoPaths.Root, "src", "Silo", "wwwroot", "console");

    [Theory]
    [InlineData("/console/", "text/html")]
    [InlineData("/console/index.html", "text/html")]
    [InlineData("/console/task.html", "text/html")]
    [InlineData("/console/console.js", "text/javascript")]
    [InlineData("/console/common.js", "text/javascript")]
    [InlineData("/console/overview.js", "text/javascript")]
    [InlineData("/console/task.js", "text/javascript")]
    [InlineData("/console/charts.js", "text/javascript")]
    [InlineData("/console/console.css", "text/css")]
    [InlineData("/console/vendor/chart.js/chart.umd.min.js", "text/javascript")]
    public async Task Console_files_are_served_with_their_type_and_security_headers(string path, string type)
    {
        using var response = await fixture.Http.GetAsync(path, Ct);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(type, response.Content.Headers.ContentType?.MediaType);
        Assert.Equal("nosniff", Assert.Single(response.Headers.GetValues("X-Content-Type-Options")));
        var csp = Assert.Single(response.Headers.GetValues("Content-Security-Policy"));
        Assert.Equal(TaskConsole.ContentSecurityPolicy, csp);
        Assert.StartsWith("default-src 'self'", csp, StringComparison.Ordinal);
        var cache = response.Headers.CacheControl!;
        if (path.Contains("/vendor/", StringComparison.Ordinal))
        {
            Assert.Equal(TimeSpan.FromDays(1), cache.MaxAge);
        }
        else
        {
            Assert.True(cache.NoCache, $"{path}: Cache-Control {cache}");
            Assert.NotNull(response.Headers.ETag);
        }
    }

    [Theory]
    [InlineData("/console", "/console/")]
    [InlineData("/", "/console/")]
    public async Task The_console_is_reached_by_redirect(string path, string target)
    {
        using var http = fixture.Host.CreateClient(fixture.Host.AdminKey, new HttpClientHandler { AllowAutoRedirect = false });

        using var response = await http.GetAsync(path, Ct);

        Assert.True((int)response.StatusCode is 301 or 302, $"{path}: {(int)response.StatusCode}");
        Assert.Equal(target, response.Headers.Location!.IsAbsoluteUri ? response.Headers.Location.AbsolutePath : response.Headers.Location.OriginalString);
    }

    [Fact]
    public async Task A_missing_console_file_is_a_problem_404()
    {
        var response = await fixture.Http.GetAsync("/console/no-such-file.js", Ct);

        await response.ProblemAsync(HttpStatusCode.NotFound, "route_not_found");
    }

    [Fact]
    public void The_pages_have_no_inline_scripts_or_styles_so_the_policy_can_stay_strict()
    {
        foreach (var page in Directory.EnumerateFiles(ConsoleSource, "*.html"))
        {
            var html = File.ReadAllText(page);
            var scripts = Regex.Matches(html, @"<script\b[^>]*>(.*?)</script>", RegexOptions.Singleline);
            Assert.NotEmpty(scripts);
            Assert.All(scripts, s => Assert.True(s.Value.Contains("src=", StringComparison.Ordinal) && s.Groups[1].Value.Trim().Length == 0, $"{page}: inline script {s.Value}"));
            Assert.DoesNotMatch(@"<style\b|\sstyle=|\son[a-z]+=", html);
        }
    }
}
