namespace SelfDissonance.Deploy.Tests;

/// <summary>
/// The Azure overlay: the Azure profile with workload identity (no key anywhere in the manifests), Event Hubs streams,
/// and the TLS certificate Secret mounted where the TLS settings point.
/// </summary>
public sealed class AzureOverlayTests(RenderedOverlays overlays)
{
    private const string TlsDirectory = "/etc/selfdissonance/tls";

    private Overlay Azure => overlays[RenderedOverlays.Azure];

    [Fact]
    public void The_silo_runs_the_Azure_profile_on_service_URIs_with_Event_Hubs_streams()
    {
        var env = new ContainerEnvironment(Azure, Azure.SiloContainer);
        Assert.Equal("Azure", env.Resolve(Azure, "SelfDissonance__Profile"));
        Assert.Equal("EventHubs", env.Resolve(Azure, "SelfDissonance__Streams__Provider"));
        foreach (var service in new[] { "Table", "Blob", "Queue" })
        {
            var uri = new Uri(env.Resolve(Azure, $"SelfDissonance__Azure__{service}ServiceUri")!);
            Assert.Equal("https", uri.Scheme);
            Assert.EndsWith($".{service.ToLowerInvariant()}.core.windows.net", uri.Host, StringComparison.Ordinal);
            Assert.True(string.IsNullOrEmpty(uri.Query), $"{uri} carries a query (a SAS token is a key).");
        }

        var ns = env.Resolve(Azure, "SelfDissonance__Azure__EventHubs__FullyQualifiedNamespace")!;
        Assert.EndsWith(".servicebus.windows.net", ns, StringComparison.Ordinal);
        Assert.False(string.IsNullOrWhiteSpace(env.Resolve(Azure, "SelfDissonance__Azure__EventHubs__Hub")));

        // Event Hubs is AMQP on 5671, Azure Storage HTTPS on 443: both leave the pod.
        var egress = Azure.Single("NetworkPolicy", Overlay.SiloName).Root["spec"]["egress"].Items;
        Assert.All(new[] { 443, 5671 }, port => Assert.Contains(egress, r => PolicyTests.Ports(r).Contains(port)));
    }

    [Fact]
    public void The_pods_use_workload_identity_through_their_service_account()
    {
        var account = Azure.Single("ServiceAccount", Azure.Silo.PodSpec["serviceAccountName"].String);
        Assert.True(Guid.TryParse(account.Root["metadata"]["annotations"]["azure.workload.identity/client-id"].Text, out _), "no workload identity client id on the service account.");
        Assert.Equal("true", Azure.Silo.PodLabels["azure.workload.identity/use"]);
        // The label is on the pod template only: a selector that gained it would orphan the running pods.
        Assert.False(Azure.Silo.Root["spec"]["selector"]["matchLabels"]["azure.workload.identity/use"].Exists);
    }

    [Fact]
    public void The_TLS_secret_is_mounted_read_only_where_the_TLS_settings_point()
    {
        var env = new ContainerEnvironment(Azure, Azure.SiloContainer);
        Assert.Equal("true", env.Resolve(Azure, "SelfDissonance__Tls__Enabled"));
        var mount = Assert.Single(Azure.SiloContainer["volumeMounts"].Items, m => m["mountPath"].Text == TlsDirectory);
        Assert.True(mount["readOnly"].Bool);
        var volume = Assert.Single(Azure.Silo.PodSpec["volumes"].Items, v => v["name"].Text == mount["name"].Text);
        Assert.Equal("selfdissonance-tls", volume["secret"]["secretName"].String);
        var files = volume["secret"]["items"].Items.ToDictionary(i => i["path"].String, i => i["key"].String);
        foreach (var (setting, file) in new[] { ("CertificatePath", "tls.crt"), ("KeyPath", "tls.key"), ("CaPath", "ca.crt") })
        {
            Assert.Equal($"{TlsDirectory}/{file}", env.Resolve(Azure, $"SelfDissonance__Tls__{setting}"));
            Assert.Equal(file, files[file]);
        }

        var readme = File.ReadAllText(Path.Combine(RepoPaths.Root, "deploy", "k8s", "README.md"));
        Assert.Contains("create secret generic selfdissonance-tls", readme, StringComparison.Ordinal);
    }

    [Fact]
    public void No_key_or_connection_string_is_inlined()
    {
        Assert.Empty(Azure.OfKind("Secret"));
        foreach (var marker in new[] { "AccountKey=", "SharedAccessKey", "sig=", "devstoreaccount1", "BEGIN CERTIFICATE", "PRIVATE KEY", "ConnectionStrings__" })
        {
            Assert.DoesNotContain(marker, Azure.Yaml, StringComparison.Ordinal);
        }

        // Every value from a Secret is a reference, never a literal.
        var env = new ContainerEnvironment(Azure, Azure.SiloContainer);
        Assert.All(env.All.Where(v => v.SecretName is not null), v => Assert.Null(v.Value));
    }
}
