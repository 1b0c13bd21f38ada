namespace SelfDissonance.Deploy.Tests;

/// <summary>Renders a kustomization with `kubectl kustomize` (the same renderer `kubectl apply -k` uses).</summary>
public static class Kubectl
{
    public static string Kustomize(string directory)
    {
        var result = CommandLineTool.Run("kubectl", "the deploy tests render deploy/k8s with `kubectl kustomize` (apt-get install kubectl).", "kustomize", directory);
        return result.ExitCode == 0
            ? result.Output
            : throw new InvalidOperationException($"kubectl kustomize {directory} failed ({result.ExitCode}):\n{result.Error}");
    }
}
