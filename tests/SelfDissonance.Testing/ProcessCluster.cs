using Azure.Data.Tables;
using Azure.Storage.Queues;
using SelfDissonance.Client;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Orleans.Configuration;
using SelfDissonance.Runtime;
using StackExchange.Redis;

namespace SelfDissonance.Testing;

/// <summary>
/// N silo processes of a multi-silo profile — <see cref="Profiles.Cluster"/> (Redis, blob artifacts on Azurite) or
/// <see cref="Profiles.Azure"/> (everything on Azurite: Table, Blob and Azure Queue streams) — under a cluster id of their
/// own so several clusters can share the services. Also gives the test an Orleans cluster client for looking inside.
/// </summary>
public sealed class ProcessCluster : IAsyncDisposable
{
    private readonly ClusterServices _services;
    private IHost? _clientHost;

    /// <summary>The artifact signing key every silo of a test cluster shares (a test value, not a secret).</summary>
    public const string TestSigningKey = "dGVzdC1vbmx5LWFydGlmYWN0LXNpZ25pbmcta2V5LTMyYnl0ZXMhIQ==";

    public ProcessCluster(ClusterServices services, int silos, IReadOnlyDictionary<string, string?>? settings = null, string profile = Profiles.Cluster)
    {
        _services = services;
        Profile = Profiles.Normalize(profile);
        ClusterId = $"c-{Guid.NewGuid():N}"[..14];
        Environment = new Dictionary<string, string?>
        {
            ["SelfDissonance__Profile"] = Profile,
            ["SelfDissonance__Artifacts__SigningKey"] = TestSigningKey,
            ["SelfDissonance__Silo__ClusterId"] = ClusterId,
            ["SelfDissonance__Silo__ServiceId"] = ClusterId,
            ["SelfDissonance__Blob__Container"] = ClusterId,
            ["SelfDissonance__DataDirectory"] = Path.Combine(Path.GetTempPath(), ClusterId),
            ["SelfDissonance__Learning__CycleInterval"] = "00:00:02",
            // Silos restart often in these tests: the warm-up's seconds of CPU would only slow them (LearningWarmUpTests).
            ["SelfDissonance__Learning__WarmUp"] = "false",
            ["SelfDissonance__Runtime__CounterFlushInterval"] = "00:00:00.200",
            ["Logging__LogLevel__Default"] = "Warning",
            ["Logging__LogLevel__SelfDissonance"] = "Information",
            ["SD_ADMIN_KEY"] = TestKeys.Admin,
        };
        if (Profiles.IsAzure(Profile))
        {
            Environment["ConnectionStrings__AzureStorage"] = services.Azurite.ConnectionString;
            // No Event Hubs emulator runs here: the Azure profile's tests use its Azure Queue streams.
            Environment["SelfDissonance__Streams__Provider"] = AzureProfileExtensions.AzureQueueStreams;
        }
        else
        {
            Environment["ConnectionStrings__Redis"] = services.Redis.ConnectionString;
            Environment["ConnectionStrings__Blob"] = services.Azurite.ConnectionString;
        }

        foreach (var (k, v) in settings ?? new Dictionary<string, string?>())
        {
            Environment[k] = v;
        }

        Silos = [.. Enumerable.Range(0, silos).Select(i => new SiloProcess($"silo-{i}", Environment))];
    }

    public string ClusterId { get; }

    /// <summary>The silos' <c>SelfDissonance:Profile</c>.</summary>
    public string Profile { get; }

    public Dictionary<string, string?> Environment { get; }

    public List<SiloProcess> Silos { get; }

    public IClusterClient Client => _clientHost?.Services.GetRequiredService<IClusterClient>() ?? throw new InvalidOperationException("Call ConnectClientAsync first.");

    /// <summary>Starts every silo; the first alone, so the cluster forms around it quickly, then the rest together.</summary>
    public async Task StartAsync()
    {
        await Silos[0].StartAsync();
        await Task.WhenAll(Silos.Skip(1).Select(s => s.StartAsync()));
    }

    /// <summary>Another silo with the cluster's settings, <paramref name="overrides"/> on top (its own certificate, say).</summary>
    public SiloProcess AddSilo(IReadOnlyDictionary<string, string?>? overrides = null)
    {
        var environment = new Dictionary<string, string?>(Environment);
        foreach (var (k, v) in overrides ?? new Dictionary<string, string?>())
        {
            environment[k] = v;
        }

        var silo = new SiloProcess($"silo-{Silos.Count}", environment);
        Silos.Add(silo);
        return silo;
    }

    /// <summary>
    /// Connects the test's cluster client; with TLS as the silos have it (<c>SelfDissonance__Tls__*</c> in
    /// <see cref="Environment"/>) unless <paramref name="tls"/> is given.
    /// </summary>
    public async Task<IClusterClient> ConnectClientAsync(SelfDissonanceTlsOptions? tls = null)
    {
        if (_clientHost is null)
        {
            var host = CreateClientHost(tls);
            await host.StartAsync();
            _clientHost = host;
        }

        return Client;
    }

    /// <summary>
    /// A cluster client host, not started: TLS from <paramref name="tls"/>, or else as the silos have it. Tests of
    /// refused clients start and dispose it themselves.
    /// </summary>
    public IHost CreateClientHost(SelfDissonanceTlsOptions? tls = null)
    {
        var settings = new ConfigurationBuilder()
            .AddInMemoryCollection(Environment.Select(e => KeyValuePair.Create(e.Key.Replace("__", ":", StringComparison.Ordinal), e.Value)))
            .Build();
        return new HostBuilder()
            .UseOrleansClient(client =>
            {
                client.Configure<ClusterOptions>(o =>
                {
                    o.ClusterId = ClusterId;
                    o.ServiceId = ClusterId;
                });
                if (Profiles.IsAzure(Profile))
                {
                    client.UseAzureStorageClustering(o => o.TableServiceClient = new TableServiceClient(_services.Azurite.ConnectionString));
                    client.AddAzureQueueEvents(new QueueServiceClient(_services.Azurite.ConnectionString), ClusterId);
                    client.AddActivityPropagation();
                }
                else
                {
                    client.UseRedisClustering(o => o.ConfigurationOptions = ConfigurationOptions.Parse(_services.Redis.ConnectionString));
                    client.AddSelfDissonanceEvents(_services.Redis.ConnectionString);
                }

                if (tls is null)
                {
                    client.UseSelfDissonanceTls(settings);
                }
                else
                {
                    client.UseSelfDissonanceTls(tls);
                }
            })
            .Build();
    }

    public async Task StopAllAsync() => await Task.WhenAll(Silos.Select(s => s.StopAsync()));

    public async ValueTask DisposeAsync()
    {
        if (_clientHost is not null)
        {
            try
            {
                await _clientHost.StopAsync(TimeSpan.FromSeconds(5));
            }
            catch (OperationCanceledException)
            {
            }

            _clientHost.Dispose();
        }

        foreach (var silo in Silos)
        {
            await silo.DisposeAsync();
        }
    }
}
