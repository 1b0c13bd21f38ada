using System.Text.Json;

namespace SelfDissonance.Deploy.Tests;

/// <summary>Every overlay renders, and what it renders is counted for the people who read the reports.</summary>
public sealed class RenderingTests(RenderedOverlays overlays, ITestOutputHelper output)
{
    [Fact]
    public void Every_overlay_renders_and_its_resources_are_counted_by_kind()
    {
        var counts = RenderedOverlays.Names.ToDictionary(n => n, n => overlays[n].CountsByKind());
        foreach (var (overlay, byKind) in counts)
        {
            output.WriteLine($"{overlay}: {string.Join(", ", byKind.Select(e => $"{e.Key} {e.Value}"))} ({byKind.Values.Sum()} resources)");
        }

        Report.Write("k8s-resources", JsonSerializer.Serialize(counts, new JsonSerializerOptions { WriteIndented = true }));

        var required = new[] { "Namespace", "ServiceAccount", "ConfigMap", "Deployment", "Service", "PodDisruptionBudget", "HorizontalPodAutoscaler", "NetworkPolicy" };
        foreach (var (overlay, byKind) in counts)
        {
            Assert.All(required, kind => Assert.True(byKind.ContainsKey(kind), $"{overlay} renders no {kind}."));
            // The HTTP Service and the headless one for silo-to-silo.
            Assert.True(byKind["Service"] >= 2, $"{overlay}: {byKind["Service"]} Services.");
        }

        Assert.Equal(2, counts[RenderedOverlays.Dev]["PersistentVolumeClaim"]);
        Assert.Equal(3, counts[RenderedOverlays.Dev]["Deployment"]);
        Assert.False(counts[RenderedOverlays.Prod].ContainsKey("Secret"), "prod must not render a Secret: connection strings are created out of band.");
        Assert.False(counts[RenderedOverlays.Azure].ContainsKey("Secret"), "azure must not render a Secret: the TLS certificate and keys are created out of band.");
    }

    [Theory]
    [MemberData(nameof(OverlayNames))]
    public void Every_resource_lands_in_the_overlays_namespace(string name)
    {
        var overlay = overlays[name];
        var ns = Assert.Single(overlay.OfKind("Namespace")).Name;
        Assert.All(overlay.Resources.Where(r => r.Kind != "Namespace"), r => Assert.Equal(ns, r.Namespace));
    }

    public static TheoryData<string> OverlayNames() => [.. RenderedOverlays.Names];
}
