using System.Text.Json;
using System.Text.RegularExpressions;
using SelfDissonance.Testing;

namespace SelfDissonance.Console.Tests;

/// <summary>The committed copy of Chart.js is the version tools/console pins, with its licenses, named in the notices.</summary>
public sealed class VendoredChartJsTests
{
    private static string Vendor => Path.Combine(RepoPaths.Root, "src", "Silo", "wwwroot", "console", "vendor", "chart.js");

    private static string Pinned()
    {
        using var package = JsonDocument.Parse(File.ReadAllText(Path.Combine(RepoPaths.Root, "tools", "console", "package.json")));
        return package.RootElement.GetProperty("dependencies").GetProperty("chart.js").GetString()!;
    }

    [Fact]
    public void The_pin_is_exact_and_the_lock_file_agrees()
    {
        var pinned = Pinned();
        Assert.Matches(@"^4\.\d+\.\d+$", pinned);
        using var lockFile = JsonDocument.Parse(File.ReadAllText(Path.Combine(RepoPaths.Root, "tools", "console", "package-lock.json")));
        Assert.Equal(pinned, lockFile.RootElement.GetProperty("packages").GetProperty("node_modules/chart.js").GetProperty("version").GetString());
    }

    [Fact]
    public void The_vendored_bundle_is_the_pinned_version()
    {
        using var reader = new StreamReader(Path.Combine(Vendor, "chart.umd.min.js"));
        var header = string.Join('\n', Enumerable.Range(0, 6).Select(_ => reader.ReadLine()));

        var version = Regex.Match(header, @"Chart\.js v(\d+\.\d+\.\d+)");
        Assert.True(version.Success, $"no version banner in the vendored bundle:\n{header}");
        Assert.Equal(Pinned(), version.Groups[1].Value);
        Assert.Contains("Released under the MIT License", header, StringComparison.Ordinal);
    }

    [Fact]
    public void The_licenses_are_next_to_the_bundle_and_the_notices_name_the_version()
    {
        Assert.Contains("The MIT License", File.ReadAllText(Path.Combine(Vendor, "LICENSE.md")), StringComparison.Ordinal);
        Assert.Contains("Chart.js Contributors", File.ReadAllText(Path.Combine(Vendor, "LICENSE.md")), StringComparison.Ordinal);
        // The UMD bundle inlines @kurkle/color (MIT); its notice travels with it.
        Assert.Contains("Jukka Kurkela", File.ReadAllText(Path.Combine(Vendor, "LICENSE.kurkle-color.md")), StringComparison.Ordinal);
        var notices = File.ReadAllText(Path.Combine(RepoPaths.Root, "THIRD-PARTY-NOTICES.md"));
        Assert.Contains($"Chart.js {Pinned()}", notices, StringComparison.Ordinal);
        Assert.Contains("@kurkle/color", notices, StringComparison.Ordinal);
    }
}
