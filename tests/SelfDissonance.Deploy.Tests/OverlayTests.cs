namespace SelfDissonance.Deploy.Tests;

/// <summary>What each overlay adds: dev its own Redis and Azurite, prod spread, size and Secrets from outside.</summary>
public sealed class OverlayTests(RenderedOverlays overlays)
{
    private Overlay Dev => overlays[RenderedOverlays.Dev];

    private Overlay Prod => overlays[RenderedOverlays.Prod];

    [Fact]
    public void Dev_runs_one_silo_against_its_own_redis_and_azurite_on_persistent_volumes()
    {
        var hpa = Assert.Single(Dev.OfKind("HorizontalPodAutoscaler")).Root["spec"];
        Assert.Equal((1, 1), (hpa["minReplicas"].Int, hpa["maxReplicas"].Int));

        foreach (var workload in new[] { "redis", "azurite" })
        {
            var deployment = Dev.Single("Deployment", workload);
            var claims = deployment.PodSpec["volumes"].Items.Where(v => v["persistentVolumeClaim"].Exists).ToList();
            Assert.NotEmpty(claims);
            Assert.All(claims, v => Dev.Single("PersistentVolumeClaim", v["persistentVolumeClaim"]["claimName"].String));
            // A ReadWriteOnce volume cannot be mounted by two pods during a rolling update.
            Assert.Equal("Recreate", deployment.Root["spec"]["strategy"]["type"].String);
        }

        var redisArgs = string.Join(' ', Dev.Single("Deployment", "redis").PodSpec["containers"].Items[0]["args"].Items.Select(a => a.String));
        Assert.Contains("--appendonly yes", redisArgs, StringComparison.Ordinal);
        Assert.Contains("--appendfsync everysec", redisArgs, StringComparison.Ordinal);
        var azuriteCommand = Dev.Single("Deployment", "azurite").PodSpec["containers"].Items[0]["command"].Items.Select(a => a.String).ToList();
        Assert.Contains("--skipApiVersionCheck", azuriteCommand);
        Assert.Contains("--disableTelemetry", azuriteCommand);
    }

    [Fact]
    public void Dev_connection_strings_reach_the_dev_services_through_the_network_policy()
    {
        var env = new ContainerEnvironment(Dev, Dev.SiloContainer);
        var redis = env.Resolve(Dev, "ConnectionStrings__Redis")!;
        var blob = env.Resolve(Dev, "ConnectionStrings__Blob")!;

        var redisEndpoint = redis.Split(',')[0].Split(':');
        var blobEndpoint = new Uri(blob.Split(';').Single(p => p.StartsWith("BlobEndpoint=", StringComparison.Ordinal))["BlobEndpoint=".Length..]);
        var egress = Dev.Single("NetworkPolicy", Overlay.SiloName).Root["spec"]["egress"].Items;
        foreach (var (host, port) in new[] { (redisEndpoint[0], int.Parse(redisEndpoint[1], System.Globalization.CultureInfo.InvariantCulture)), (blobEndpoint.Host, blobEndpoint.Port) })
        {
            var service = Dev.Single("Service", host);
            Assert.Contains(port, service.Root["spec"]["ports"].Items.Select(p => p["port"].Int));
            Assert.Contains(egress, r => PolicyTests.Ports(r).Contains(port));
        }
    }

    [Fact]
    public void Prod_runs_three_or_more_silos_spread_over_zones_and_nodes()
    {
        var hpa = Assert.Single(Prod.OfKind("HorizontalPodAutoscaler")).Root["spec"];
        Assert.True(hpa["minReplicas"].Int >= 3, $"prod minReplicas {hpa["minReplicas"].Int}.");

        var spread = Prod.Silo.PodSpec["topologySpreadConstraints"].Items;
        foreach (var key in new[] { "topology.kubernetes.io/zone", "kubernetes.io/hostname" })
        {
            var constraint = Assert.Single(spread, c => c["topologyKey"].Text == key);
            Assert.True(PolicyTests.Selects(constraint["labelSelector"]["matchLabels"].Strings, Prod.Silo.PodLabels), $"{constraint.Path} selects other pods.");
        }

        Assert.Equal("DoNotSchedule", Assert.Single(spread, c => c["topologyKey"].Text == "kubernetes.io/hostname")["whenUnsatisfiable"].String);
    }

    [Fact]
    public void Prod_takes_its_connection_strings_from_a_secret_the_README_tells_how_to_create()
    {
        var env = new ContainerEnvironment(Prod, Prod.SiloContainer);
        var readme = File.ReadAllText(Path.Combine(RepoPaths.Root, "deploy", "k8s", "README.md"));
        foreach (var connection in new[] { "ConnectionStrings__Redis", "ConnectionStrings__Blob" })
        {
            var v = env[connection];
            Assert.Null(Prod.Find("Secret", v.SecretName!));
            Assert.Contains($"create secret generic {v.SecretName}", readme, StringComparison.Ordinal);
            Assert.Contains($"--from-literal={v.SecretKey}=", readme, StringComparison.Ordinal);
        }

        Assert.DoesNotContain("devstoreaccount1", Prod.Yaml, StringComparison.Ordinal);
    }

    [Fact]
    public void Prod_turns_on_mutual_tls_with_certificate_key_and_ca_from_a_read_only_secret_the_README_tells_how_to_create()
    {
        var env = new ContainerEnvironment(Prod, Prod.SiloContainer);
        Assert.Equal("true", env.Resolve(Prod, "SelfDissonance__Tls__Enabled"), ignoreCase: true);
        var mount = Assert.Single(Prod.SiloContainer["volumeMounts"].Items, m => m["name"].Text == "tls");
        Assert.True(mount["readOnly"].Bool, $"{mount.Path} must be read-only.");
        var volume = Assert.Single(Prod.Silo.PodSpec["volumes"].Items, v => v["name"].Text == "tls");
        var secretName = volume["secret"]["secretName"].String;
        Assert.Null(Prod.Find("Secret", secretName));
        var items = volume["secret"]["items"].Items.ToDictionary(i => i["key"].String, i => i["path"].String);
        // Each setting names a file of the mounted Secret: the Kubernetes TLS secret's keys.
        foreach (var (setting, key) in new[] { ("SelfDissonance__Tls__CertificatePath", "tls.crt"), ("SelfDissonance__Tls__KeyPath", "tls.key"), ("SelfDissonance__Tls__CaPath", "ca.crt") })
        {
            Assert.Equal($"{mount["mountPath"].String.TrimEnd('/')}/{items[key]}", env.Resolve(Prod, setting));
        }

        // Octal 0440 (kustomize renders 288): owner and group (fsGroup) read, nobody writes.
        Assert.Equal(288, volume["secret"]["defaultMode"].Int);
        var readme = File.ReadAllText(Path.Combine(RepoPaths.Root, "deploy", "k8s", "README.md"));
        Assert.Contains($"create secret generic {secretName}", readme, StringComparison.Ordinal);
        foreach (var key in items.Keys)
        {
            Assert.Contains($"--from-file={key}=", readme, StringComparison.Ordinal);
        }
    }
}
