using System.Globalization;
using System.Text.RegularExpressions;
using static SelfDissonance.Testing.Api;

namespace SelfDissonance.Console.Tests;

/// <summary>The Orleans Dashboard the console links to, rendered by its own scripts in chromium.</summary>
public sealed class DashboardPageTests(ConsoleFixture fixture)
{
    [Fact]
    public async Task The_dashboard_renders_the_cluster_overview()
    {
        var dom = await Chromium.DumpDomAsync(fixture.Url("/dashboard"), Ct);

        // The served page is an empty shell (#menu and #content are empty divs); these come from the dashboard's
        // scripts after they read the silo's statistics.
        Assert.Contains("href=\"#/grains\"", Dom.ElementById(dom, "div", "menu"), StringComparison.Ordinal);
        Assert.Contains("Total Activations", dom, StringComparison.Ordinal);
        var silos = Regex.Match(dom, @"Active Silos</span>\s*<span class=""info-box-number"">(\d+)<");
        Assert.True(silos.Success, "the overview shows no active silo count");
        Assert.Equal(1, int.Parse(silos.Groups[1].Value, CultureInfo.InvariantCulture));
    }
}
