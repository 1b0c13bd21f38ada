using YamlDotNet.Core;
using YamlDotNet.Core.Events;
using YamlDotNet.Serialization;

namespace SelfDissonance.Deploy.Tests;

/// <summary>Every overlay of deploy/k8s rendered once, parsed into resources.</summary>
public sealed class RenderedOverlays
{
    public const string Dev = "dev";
    public const string Prod = "prod";
    public const string Azure = "azure";

    public static readonly string[] Names = [Dev, Prod, Azure];

    private readonly Dictionary<string, Overlay> _overlays;

    public RenderedOverlays() =>
        _overlays = Names.ToDictionary(n => n, n =>
        {
            var yaml = Kubectl.Kustomize(OverlayDirectory(n));
            return new Overlay(n, yaml, Parse(n, yaml));
        });

    public static string OverlayDirectory(string name) => Path.Combine("deploy", "k8s", "overlays", name);

    public Overlay this[string name] => _overlays[name];

    private static List<Resource> Parse(string overlay, string yaml)
    {
        var deserializer = new DeserializerBuilder().Build();
        var parser = new Parser(new StringReader(yaml));
        parser.Consume<StreamStart>();
        var resources = new List<Resource>();
        while (parser.Accept<DocumentStart>(out _))
        {
            if (deserializer.Deserialize<object?>(parser) is { } document)
            {
                var unnamed = new Node(document, "");
                resources.Add(new Resource(overlay, new Node(document, $"{overlay}:{unnamed["kind"].Text}/{unnamed["metadata"]["name"].Text}")));
            }
        }

        return resources;
    }
}

public sealed class Overlay(string name, string yaml, IReadOnlyList<Resource> resources)
{
    public const string SiloName = "selfdissonance-silo";

    public string Name { get; } = name;

    /// <summary>The rendering as kubectl printed it.</summary>
    public string Yaml { get; } = yaml;

    public IReadOnlyList<Resource> Resources { get; } = resources;

    public IEnumerable<Resource> Workloads => Resources.Where(r => r.IsWorkload);

    public Resource Silo => Single("Deployment", SiloName);

    public Node SiloContainer => Assert.Single(Silo.PodSpec["containers"].Items, c => c["name"].Text == "silo");

    public IEnumerable<Resource> OfKind(string kind) => Resources.Where(r => r.Kind == kind);

    public Resource Single(string kind, string resourceName) =>
        Resources.SingleOrDefault(r => r.Kind == kind && r.Name == resourceName)
        ?? throw new InvalidOperationException($"{Name}: no {kind}/{resourceName} among {string.Join(", ", Resources)}.");

    /// <summary>A generated ConfigMap or Secret by the name a reference in the rendering gives (hash suffix included).</summary>
    public Resource? Find(string kind, string resourceName) => Resources.SingleOrDefault(r => r.Kind == kind && r.Name == resourceName);

    public SortedDictionary<string, int> CountsByKind() =>
        new(Resources.GroupBy(r => r.Kind).ToDictionary(g => g.Key, g => g.Count()), StringComparer.Ordinal);
}
