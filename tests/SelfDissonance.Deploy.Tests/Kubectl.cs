using System.Diagnostics;

namespace SelfDissonance.Deploy.Tests;

/// <summary>Renders a kustomization with `kubectl kustomize` (the same renderer `kubectl apply -k` uses).</summary>
public static class Kubectl
{
    public static string Kustomize(string directory)
    {
        var kubectl = Find() ?? throw new InvalidOperationException(
            "kubectl is not installed: the deploy tests render deploy/k8s with `kubectl kustomize`. "
            + "Install it with `bash scripts/install-services.sh` (apt-get install kubectl).");
        var info = new ProcessStartInfo(kubectl)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = RepoPaths.Root,
        };
        info.ArgumentList.Add("kustomize");
        info.ArgumentList.Add(directory);
        using var process = Process.Start(info) ?? throw new InvalidOperationException($"Could not start {kubectl}.");
        // Both pipes at once: a full stderr pipe would otherwise block kubectl while we wait on stdout.
        var stderr = process.StandardError.ReadToEndAsync();
        var stdout = process.StandardOutput.ReadToEnd();
        if (!process.WaitForExit(TimeSpan.FromMinutes(1)))
        {
            process.Kill();
            throw new TimeoutException($"kubectl kustomize {directory} took over a minute.");
        }

        return process.ExitCode == 0
            ? stdout
            : throw new InvalidOperationException($"kubectl kustomize {directory} failed ({process.ExitCode}):\n{stderr.Result}");
    }

    private static string? Find() =>
        (Environment.GetEnvironmentVariable("PATH") ?? "")
            .Split(System.IO.Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Select(dir => System.IO.Path.Combine(dir, "kubectl"))
            .FirstOrDefault(File.Exists);
}
