namespace SelfDissonance.Deploy.Tests;

/// <summary>The disruption budget, the autoscaler and the network policy aim at the silo's pods and only at them.</summary>
public sealed class PolicyTests(RenderedOverlays overlays)
{
    public static TheoryData<string> OverlayNames() => [.. RenderedOverlays.Names];

    [Theory]
    [MemberData(nameof(OverlayNames))]
    public void The_disruption_budget_selects_exactly_the_silo_pods_and_lets_one_go_at_a_time(string name)
    {
        var overlay = overlays[name];
        var pdb = Assert.Single(overlay.OfKind("PodDisruptionBudget"));
        var selector = pdb.Root["spec"]["selector"]["matchLabels"].Strings;

        Assert.Equal([overlay.Silo.Name], overlay.Workloads.Where(w => Selects(selector, w.PodLabels)).Select(w => w.Name));
        Assert.True(Selects(overlay.Silo.Root["spec"]["selector"]["matchLabels"].Strings, overlay.Silo.PodLabels));
        Assert.Equal("1", pdb.Root["spec"]["maxUnavailable"].Text ?? pdb.Root["spec"]["minAvailable"].String);
    }

    [Theory]
    [MemberData(nameof(OverlayNames))]
    public void The_autoscaler_scales_the_silo_deployment_on_cpu_it_requests(string name)
    {
        var overlay = overlays[name];
        var hpa = Assert.Single(overlay.OfKind("HorizontalPodAutoscaler"));
        var target = hpa.Root["spec"]["scaleTargetRef"];

        Assert.Equal("autoscaling/v2", hpa.Root["apiVersion"].String);
        Assert.Equal(("apps/v1", "Deployment", overlay.Silo.Name), (target["apiVersion"].String, target["kind"].String, target["name"].String));
        var metric = Assert.Single(hpa.Root["spec"]["metrics"].Items);
        Assert.Equal("cpu", metric["resource"]["name"].String);
        // Utilization is measured against requests: without one the autoscaler cannot compute it.
        Assert.True(overlay.SiloContainer["resources"]["requests"]["cpu"].Exists);
        Assert.True(hpa.Root["spec"]["maxReplicas"].Int >= hpa.Root["spec"]["minReplicas"].Int);
        // The autoscaler owns the replica count; one in the manifest would reset it on every apply.
        Assert.False(overlay.Silo.Root["spec"]["replicas"].Exists, "the silo Deployment sets replicas next to an autoscaler.");
    }

    [Theory]
    [MemberData(nameof(OverlayNames))]
    public void Http_is_open_and_silo_ports_answer_only_other_silos(string name)
    {
        var overlay = overlays[name];
        var policy = Assert.Single(overlay.OfKind("NetworkPolicy"), p => Selects(p.Root["spec"]["podSelector"]["matchLabels"].Strings, overlay.Silo.PodLabels));
        var spec = policy.Root["spec"];
        Assert.Equal(["Ingress", "Egress"], spec["policyTypes"].Items.Select(i => i.String));

        var ingress = spec["ingress"].Items;
        Assert.Contains(ingress, r => !r["from"].Exists && Ports(r).Contains(8080));
        foreach (var port in new[] { 11111, 30000 })
        {
            var rules = ingress.Where(r => Ports(r).Contains(port)).ToList();
            Assert.NotEmpty(rules);
            Assert.All(rules, r => Assert.All(r["from"].Items, peer => Assert.True(
                !peer["namespaceSelector"].Exists && !peer["ipBlock"].Exists && Selects(peer["podSelector"]["matchLabels"].Strings, overlay.Silo.PodLabels),
                $"{peer.Path} admits more than silos to port {port}.")));
            Assert.All(rules, r => Assert.NotEmpty(r["from"].Items));
        }

        var egress = spec["egress"].Items;
        // Redis on the Redis profile; Event Hubs AMQP (5671) on the Azure profile.
        foreach (var port in new[] { 53, name == RenderedOverlays.Azure ? 5671 : 6379, 443, 11111, 30000 })
        {
            Assert.Contains(egress, r => Ports(r).Contains(port));
        }
    }

    public static bool Selects(IReadOnlyDictionary<string, string> selector, IReadOnlyDictionary<string, string> labels) =>
        selector.Count > 0 && selector.All(s => labels.TryGetValue(s.Key, out var v) && v == s.Value);

    public static List<int> Ports(Node rule) => [.. rule["ports"].Items.Select(p => p["port"].Int)];
}
