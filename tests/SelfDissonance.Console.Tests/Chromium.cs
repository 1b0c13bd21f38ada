using System.Diagnostics;
using System.Globalization;
using SelfDissonance.Testing;

namespace SelfDissonance.Console.Tests;

/// <summary>
/// Debian's chromium, headless, one process per page. The virtual time budget lets the page's timers and fetches run
/// (virtual time stands still while a fetch is pending, so a slow silo does not cut a page short); a real deadline
/// kills the browser if it hangs anyway.
/// </summary>
public static class Chromium
{
    public const int VirtualTimeBudgetMs = 8000;

    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(60);

    private static readonly Lazy<string?> Found = new(Find);

    /// <summary>The browser binary; a missing browser fails the test (it is installed by scripts/install-services.sh).</summary>
    public static string Binary => Found.Value ?? throw new InvalidOperationException(
        "chromium is not installed (neither 'chromium' nor 'chromium-browser' is on PATH). The console's browser tests need it: "
        + "run 'bash scripts/install-services.sh' (apt-get install chromium) or install Debian's chromium package.");

    /// <summary>The DOM after the page's scripts ran, as chromium serializes it.</summary>
    public static async Task<string> DumpDomAsync(Uri url, CancellationToken ct)
    {
        var (stdout, _) = await RunAsync(["--dump-dom", url.AbsoluteUri], ct);
        return stdout;
    }

    /// <summary>Writes a PNG of the page's first <paramref name="height"/> pixels at the given width.</summary>
    public static async Task ScreenshotAsync(Uri url, string path, int width, int height, CancellationToken ct)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.Delete(path);
        var (_, stderr) = await RunAsync([$"--screenshot={path}", string.Create(CultureInfo.InvariantCulture, $"--window-size={width},{height}"), url.AbsoluteUri], ct);
        Assert.True(File.Exists(path), $"chromium wrote no screenshot of {url} to {path}:\n{Tail(stderr)}");
    }

    private static async Task<(string Stdout, string Stderr)> RunAsync(IEnumerable<string> arguments, CancellationToken ct)
    {
        using var profile = new TempDirectory("sd-chromium");
        var info = new ProcessStartInfo(Binary)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        string[] flags =
        [
            "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--hide-scrollbars",
            "--no-first-run", "--no-default-browser-check", "--disable-extensions", "--disable-sync",
            "--disable-background-networking", "--disable-component-update", "--mute-audio",
            $"--user-data-dir={profile.Path}",
            string.Create(CultureInfo.InvariantCulture, $"--virtual-time-budget={VirtualTimeBudgetMs}"),
        ];
        foreach (var argument in flags.Concat(arguments))
        {
            info.ArgumentList.Add(argument);
        }

        using var process = Process.Start(info) ?? throw new InvalidOperationException($"Could not start {Binary}.");
        var stdout = process.StandardOutput.ReadToEndAsync(ct);
        var stderr = process.StandardError.ReadToEndAsync(ct);
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(ct);
        deadline.CancelAfter(Deadline);
        try
        {
            await process.WaitForExitAsync(deadline.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync(CancellationToken.None);
            throw new TimeoutException($"chromium did not finish within {Deadline.TotalSeconds} s ({string.Join(' ', info.ArgumentList)}):\n{Tail(await stderr)}");
        }

        var (output, errors) = (await stdout, await stderr);
        Assert.True(process.ExitCode == 0, $"chromium exited with {process.ExitCode}:\n{Tail(errors)}");
        return (output, errors);
    }

    private static string Tail(string text) => string.Join('\n', text.Split('\n').TakeLast(30));

    private static string? Find()
    {
        var path = Environment.GetEnvironmentVariable("PATH") ?? "";
        return (from name in new[] { "chromium", "chromium-browser" }
                from dir in path.Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
                let candidate = Path.Combine(dir, name)
                where File.Exists(candidate)
                select candidate).FirstOrDefault();
    }
}
