namespace SelfDissonance.Deploy.Tests;

/// <summary>What every container of every overlay must have, the silo's and the dev services' alike.</summary>
public sealed class ContainerTests(RenderedOverlays overlays)
{
    public static TheoryData<string> OverlayNames() => [.. RenderedOverlays.Names];

    private IEnumerable<(Resource Workload, Node Container)> Containers(string name) =>
        overlays[name].Workloads.SelectMany(w => w.AllContainers.Select(c => (w, c)));

    [Theory]
    [MemberData(nameof(OverlayNames))]
    public void Every_container_has_readiness_and_liveness_probes_and_the_silo_a_startup_probe(string name)
    {
        Assert.All(Containers(name), x =>
        {
            Assert.True(x.Container["readinessProbe"].Exists, $"{x.Container.Path}: no readinessProbe.");
            Assert.True(x.Container["livenessProbe"].Exists, $"{x.Container.Path}: no livenessProbe.");
        });
        Assert.True(overlays[name].SiloContainer["startupProbe"].Exists, "the silo has no startupProbe: liveness would kill a slow start.");
    }

    [Theory]
    [MemberData(nameof(OverlayNames))]
    public void Every_container_has_cpu_and_memory_requests_and_limits(string name)
    {
        Assert.All(Containers(name), x =>
        {
            foreach (var kind in new[] { "requests", "limits" })
            {
                foreach (var resource in new[] { "cpu", "memory" })
                {
                    Assert.True(x.Container["resources"][kind][resource].Exists, $"{x.Container.Path}: no resources.{kind}.{resource}.");
                }
            }
        });
    }

    [Theory]
    [MemberData(nameof(OverlayNames))]
    public void Every_container_runs_as_non_root_with_a_read_only_root_and_no_capabilities(string name)
    {
        Assert.All(Containers(name), x =>
        {
            var pod = x.Workload.PodSpec["securityContext"];
            var own = x.Container["securityContext"];
            Assert.True((own["runAsNonRoot"].Bool ?? pod["runAsNonRoot"].Bool) == true, $"{x.Container.Path}: runAsNonRoot is not true.");
            var uid = own["runAsUser"].Text ?? pod["runAsUser"].Text;
            Assert.True(uid is null || uid != "0", $"{x.Container.Path}: runs as uid 0.");
            Assert.True(own["allowPrivilegeEscalation"].Bool == false, $"{x.Container.Path}: allowPrivilegeEscalation is not false.");
            Assert.True(own["readOnlyRootFilesystem"].Bool == true, $"{x.Container.Path}: the root filesystem is writable.");
            Assert.Contains("ALL", own["capabilities"]["drop"].Items.Select(i => i.Text));
            Assert.False(own["privileged"].Bool ?? false, $"{x.Container.Path}: privileged.");
        });
    }

    [Theory]
    [MemberData(nameof(OverlayNames))]
    public void No_pod_mounts_a_service_account_token(string name)
    {
        Assert.All(overlays[name].Workloads, w =>
            Assert.True(w.PodSpec["automountServiceAccountToken"].Bool == false, $"{w}: automountServiceAccountToken is not false."));
        Assert.All(overlays[name].OfKind("ServiceAccount"), sa =>
            Assert.True(sa.Root["automountServiceAccountToken"].Bool == false, $"{sa}: automountServiceAccountToken is not false."));
    }

    [Theory]
    [MemberData(nameof(OverlayNames))]
    public void Images_are_pinned_to_a_tag_other_than_latest(string name)
    {
        Assert.All(Containers(name), x =>
        {
            var image = x.Container["image"].String;
            var lastSegment = image[(image.LastIndexOf('/') + 1)..];
            Assert.True(lastSegment.Contains(':', StringComparison.Ordinal) || image.Contains('@', StringComparison.Ordinal), $"{x.Container.Path}: {image} has no tag.");
            Assert.False(lastSegment.EndsWith(":latest", StringComparison.OrdinalIgnoreCase), $"{x.Container.Path}: {image} is the latest tag.");
        });
    }
}
