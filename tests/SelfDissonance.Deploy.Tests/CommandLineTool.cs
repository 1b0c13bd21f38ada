using System.Diagnostics;

namespace SelfDissonance.Deploy.Tests;

/// <summary>Runs a tool the deploy tests need (kubectl, promtool) from PATH, in the repository root.</summary>
public static class CommandLineTool
{
    public sealed record Result(int ExitCode, string Output, string Error);

    public static Result Run(string tool, string installHint, params string[] arguments)
    {
        var path = Find(tool) ?? throw new InvalidOperationException($"{tool} is not installed: {installHint} Install it with `bash scripts/install-services.sh`.");
        var info = new ProcessStartInfo(path)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = RepoPaths.Root,
        };
        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        using var process = Process.Start(info) ?? throw new InvalidOperationException($"Could not start {path}.");
        // Both pipes at once: a full stderr pipe would otherwise block the tool while we wait on stdout.
        var stderr = process.StandardError.ReadToEndAsync();
        var stdout = process.StandardOutput.ReadToEnd();
        if (!process.WaitForExit(TimeSpan.FromMinutes(1)))
        {
            process.Kill();
            throw new TimeoutException($"{tool} {string.Join(' ', arguments)} took over a minute.");
        }

        return new Result(process.ExitCode, stdout, stderr.Result);
    }

    private static string? Find(string tool) =>
        (Environment.GetEnvironmentVariable("PATH") ?? "")
            .Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Select(dir => Path.Combine(dir, tool))
            .FirstOrDefault(File.Exists);
}
