using System.Globalization;
using System.Text.RegularExpressions;
using System.Xml.Linq;

namespace SelfDissonance.Deploy.Tests;

/// <summary>The silo's pod against the silo's code: what it serves, what it reads, how long it takes to stop.</summary>
public sealed partial class SiloPodTests(RenderedOverlays overlays)
{
    public static TheoryData<string> OverlayNames() => [.. RenderedOverlays.Names];

    [Theory]
    [MemberData(nameof(OverlayNames))]
    public void Probes_ask_the_paths_the_silo_serves_on_its_http_port(string name)
    {
        var overlay = overlays[name];
        var silo = overlay.SiloContainer;
        var served = MapHealthChecks().Matches(File.ReadAllText(SourceFile("src", "Silo", "Hosting", "HealthEndpoints.cs")))
            .Select(m => m.Groups[1].Value).ToHashSet(StringComparer.Ordinal);
        Assert.Contains("/healthz", served);
        Assert.Contains("/readyz", served);

        var env = new ContainerEnvironment(overlay, silo);
        var httpPort = new Uri(env.Resolve(overlay, "ASPNETCORE_URLS")!).Port;
        // Liveness must not depend on Redis or Blob Storage: an outage there would restart every silo at once.
        foreach (var (probe, path) in new[] { ("startupProbe", "/healthz"), ("readinessProbe", "/readyz"), ("livenessProbe", "/healthz") })
        {
            var get = silo[probe]["httpGet"];
            Assert.Equal(path, get["path"].String);
            Assert.Contains(get["path"].String, served);
            Assert.Equal(httpPort, ContainerPort(silo, get["port"].String));
        }

        var service = overlay.Single("Service", "selfdissonance");
        Assert.Equal(httpPort, ContainerPort(silo, Assert.Single(service.Root["spec"]["ports"].Items)["targetPort"].String));
    }

    [Theory]
    [MemberData(nameof(OverlayNames))]
    public void The_silo_gets_every_setting_of_the_cluster_profile(string name)
    {
        var overlay = overlays[name];
        var silo = overlay.SiloContainer;
        var env = new ContainerEnvironment(overlay, silo);

        Assert.Equal(name == RenderedOverlays.Azure ? "Azure" : "Cluster", env.Resolve(overlay, "SelfDissonance__Profile"));
        Assert.Equal("true", env.Resolve(overlay, "SelfDissonance__Silo__ListenOnAnyHostAddress"), ignoreCase: true);
        Assert.False(string.IsNullOrWhiteSpace(env.Resolve(overlay, "SelfDissonance__Silo__ClusterId")));
        Assert.False(string.IsNullOrWhiteSpace(env.Resolve(overlay, "SelfDissonance__Silo__ServiceId")));
        Assert.Equal(IPAddressAny, new Uri(env.Resolve(overlay, "ASPNETCORE_URLS")!).Host);
        Assert.True(TimeSpan.TryParse(env.Resolve(overlay, "SelfDissonance__Silo__ShutdownTimeout"), CultureInfo.InvariantCulture, out _));

        // The downward API, and the advertised address expanded from POD_IP, which must come before it.
        Assert.Equal("status.podIP", env["POD_IP"].FieldPath);
        Assert.Equal("metadata.name", env["POD_NAME"].FieldPath);
        Assert.Equal("metadata.namespace", env["POD_NAMESPACE"].FieldPath);
        var advertised = env["SelfDissonance__Silo__AdvertisedAddress"];
        Assert.Equal("$(POD_IP)", advertised.Value);
        Assert.True(env["POD_IP"].Order < advertised.Order, "POD_IP must be defined before the address that expands it.");

        // Ports the silo is told to use are the ports the pod and the headless Service expose.
        var headless = overlay.Single("Service", Overlay.SiloName);
        Assert.Equal("None", headless.Root["spec"]["clusterIP"].String);
        foreach (var (setting, portName) in new[] { ("SelfDissonance__Silo__SiloPort", "silo"), ("SelfDissonance__Silo__GatewayPort", "gateway") })
        {
            var port = int.Parse(env.Resolve(overlay, setting)!, CultureInfo.InvariantCulture);
            Assert.Equal(port, ContainerPort(silo, portName));
            var servicePort = Assert.Single(headless.Root["spec"]["ports"].Items, p => p["name"].Text == portName);
            Assert.Equal(port, ContainerPort(silo, servicePort["targetPort"].String));
        }

        // Connection strings come from the Secret, never from a literal in the manifests. The Azure overlay has none:
        // it reaches Azure with workload identity and service URIs.
        var connections = env.All.Where(v => v.Name.StartsWith("ConnectionStrings__", StringComparison.Ordinal)).Select(v => v.Name).ToList();
        Assert.Equal(name == RenderedOverlays.Azure ? [] : new[] { "ConnectionStrings__Blob", "ConnectionStrings__Redis" }, connections.Order());
        foreach (var connection in connections)
        {
            Assert.Equal("selfdissonance-connections", TrimHash(env[connection].SecretName ?? ""));
            Assert.Null(env[connection].Value);
        }
    }

    [Theory]
    [MemberData(nameof(OverlayNames))]
    public void Every_SelfDissonance_setting_in_the_manifests_is_a_configuration_key_the_README_documents(string name)
    {
        var documented = ConfigurationKeys.FromReadme();
        Assert.Contains("SelfDissonance:Silo:GatewayPort", documented);
        var overlay = overlays[name];
        var keys = new ContainerEnvironment(overlay, overlay.SiloContainer).All
            .Where(v => v.Name.Contains("__", StringComparison.Ordinal))
            .Select(v => ConfigurationKeys.FromEnvironmentName(v.Name))
            .ToList();
        Assert.NotEmpty(keys);
        Assert.All(keys, key => Assert.True(documented.Contains(key), $"{key} is set in {name} but is no configuration key the README documents."));
    }

    [Theory]
    [MemberData(nameof(OverlayNames))]
    public void The_grace_period_outlasts_the_prestop_sleep_and_the_hosts_shutdown_timeout(string name)
    {
        var overlay = overlays[name];
        var silo = overlay.SiloContainer;
        var shutdown = TimeSpan.Parse(new ContainerEnvironment(overlay, silo).Resolve(overlay, "SelfDissonance__Silo__ShutdownTimeout")!, CultureInfo.InvariantCulture);
        var preStop = silo["lifecycle"]["preStop"];
        var sleep = preStop["sleep"]["seconds"].Exists ? preStop["sleep"]["seconds"].Int
            : preStop.Exists ? throw new InvalidOperationException($"{preStop.Path}: only a sleep action is understood here.")
            : 0;
        var grace = overlay.Silo.PodSpec["terminationGracePeriodSeconds"].Int;

        Assert.True(grace > sleep + shutdown.TotalSeconds, $"{name}: terminationGracePeriodSeconds {grace} <= preStop {sleep} s + shutdown timeout {shutdown.TotalSeconds} s.");
    }

    [Theory]
    [MemberData(nameof(OverlayNames))]
    public void A_rollout_starts_a_new_silo_before_it_stops_an_old_one(string name)
    {
        var strategy = overlays[name].Silo.Root["spec"]["strategy"];
        Assert.Equal("RollingUpdate", strategy["type"].String);
        Assert.Equal("0", strategy["rollingUpdate"]["maxUnavailable"].String);
        Assert.NotEqual("0", strategy["rollingUpdate"]["maxSurge"].Text ?? "25%");
    }

    [Theory]
    [MemberData(nameof(OverlayNames))]
    public void The_silo_writes_only_to_an_emptyDir_at_tmp(string name)
    {
        var overlay = overlays[name];
        var mounts = overlay.SiloContainer["volumeMounts"].Items;
        var writable = Assert.Single(mounts, m => m["readOnly"].Bool != true);
        Assert.Equal("/tmp", writable["mountPath"].String);
        var volume = Assert.Single(overlay.Silo.PodSpec["volumes"].Items, v => v["name"].Text == writable["name"].Text);
        Assert.True(volume["emptyDir"].Exists, $"{volume.Path} is not an emptyDir.");
        // Anything else mounted is a Secret, read-only (the TLS certificate).
        foreach (var mount in mounts.Where(m => m["readOnly"].Bool == true))
        {
            var source = Assert.Single(overlay.Silo.PodSpec["volumes"].Items, v => v["name"].Text == mount["name"].Text);
            Assert.True(source["secret"].Exists, $"{source.Path} is mounted read-only at {mount["mountPath"].Text} but is no Secret.");
        }
    }

    [Theory]
    [MemberData(nameof(OverlayNames))]
    public void The_silo_image_is_the_one_dotnet_publish_builds(string name)
    {
        var project = XDocument.Load(SourceFile("src", "Silo", "SelfDissonance.Silo.csproj"));
        string Property(string p) => project.Descendants(p).Single().Value;
        var image = overlays[name].SiloContainer["image"].String;
        var colon = image.LastIndexOf(':');

        Assert.EndsWith(Property("ContainerRepository"), image[..colon], StringComparison.Ordinal);
        Assert.Equal(Property("ContainerImageTag"), image[(colon + 1)..]);
        Assert.Equal("app", Property("ContainerUser"));
    }

    [Fact]
    public void The_Dockerfile_builds_with_the_sdk_and_runs_as_the_non_root_app_user_on_the_silos_ports()
    {
        var dockerfile = File.ReadAllLines(SourceFile("deploy", "docker", "Dockerfile")).Where(l => !l.StartsWith('#')).ToList();
        var from = dockerfile.Where(l => l.StartsWith("FROM ", StringComparison.Ordinal)).ToList();

        Assert.StartsWith("FROM mcr.microsoft.com/dotnet/sdk:10.0", from[0], StringComparison.Ordinal);
        Assert.Equal("FROM mcr.microsoft.com/dotnet/aspnet:10.0", from[^1]);
        Assert.Contains("USER $APP_UID", dockerfile);
        Assert.Equal(["8080", "11111", "30000"], Assert.Single(dockerfile, l => l.StartsWith("EXPOSE ", StringComparison.Ordinal)).Split(' ')[1..]);
        Assert.True(File.Exists(SourceFile(".dockerignore")));
    }

    private const string IPAddressAny = "0.0.0.0";

    private static string SourceFile(params string[] parts) => Path.Combine([RepoPaths.Root, .. parts]);

    /// <summary>A probe's or Service's port, by number or by the container port's name.</summary>
    private static int ContainerPort(Node container, string port) =>
        int.TryParse(port, NumberStyles.Integer, CultureInfo.InvariantCulture, out var number)
            ? number
            : Assert.Single(container["ports"].Items, p => p["name"].Text == port)["containerPort"].Int;

    /// <summary>Generated Secrets carry a content hash after their name.</summary>
    private static string TrimHash(string generated) => HashSuffix().Replace(generated, "");

    [GeneratedRegex("MapHealthChecks\\(\"([^\"]+)\"")]
    private static partial Regex MapHealthChecks();

    [GeneratedRegex("-[a-z0-9]{10}$")]
    private static partial Regex HashSuffix();
}
