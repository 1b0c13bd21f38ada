namespace SelfDissonance.Deploy.Tests;

/// <summary>One rendered Kubernetes object of an overlay.</summary>
public sealed class Resource(string overlay, Node root)
{
    private static readonly HashSet<string> _workloadKinds = ["Deployment", "StatefulSet", "DaemonSet", "Job"];

    public string Overlay { get; } = overlay;

    public Node Root { get; } = root;

    public string Kind => Root["kind"].String;

    public string Name => Root["metadata"]["name"].String;

    public string? Namespace => Root["metadata"]["namespace"].Text;

    public bool IsWorkload => _workloadKinds.Contains(Kind);

    public Node PodTemplate => Root["spec"]["template"];

    public Node PodSpec => PodTemplate["spec"];

    public IReadOnlyDictionary<string, string> PodLabels => PodTemplate["metadata"]["labels"].Strings;

    public IEnumerable<Node> AllContainers => PodSpec["initContainers"].Items.Concat(PodSpec["containers"].Items);

    public override string ToString() => $"{Overlay}: {Kind}/{Name}";
}
