using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using SelfDissonance.Testing;

namespace SelfDissonance.Client.Tests;

/// <summary>
/// The shared real gateway (<see cref="GatewayHost"/>) plus an SDK client of each transport on it: HTTP, and an Orleans
/// cluster client connected to the same silo (each test uses its own task ids).
/// </summary>
public sealed class SdkFixture : IAsyncLifetime
{
    public const string Http = "http";
    public const string Cluster = "cluster";

    private readonly HttpClient _http = new() { Timeout = Timeout.InfiniteTimeSpan };
    private IHost? _clusterClientHost;

    public GatewayHost Host { get; } = new();

    /// <summary>An SDK client over HTTP with default retry settings.</summary>
    public ISelfDissonanceClient Client { get; private set; } = null!;

    /// <summary>An SDK client over an Orleans cluster client, registered the way the README shows.</summary>
    public ISelfDissonanceClient ClusterClient { get; private set; } = null!;

    public SelfDissonanceClientOptions Options => new() { BaseAddress = Host.BaseAddress, ApiKey = Host.AdminKey, Timeout = TimeSpan.FromSeconds(60) };

    /// <summary>Transports for theories: <see cref="Http"/> and <see cref="Cluster"/>.</summary>
    public static TheoryData<string> Transports => [Http, Cluster];

    public ISelfDissonanceClient For(string transport) => transport == Cluster ? ClusterClient : Client;

    public async ValueTask InitializeAsync()
    {
        await Host.StartAsync();
        Client = new SelfDissonanceHttpClient(_http, Options);

        var builder = Microsoft.Extensions.Hosting.Host.CreateApplicationBuilder();
        builder.UseOrleansClient(client => client
            .UseLocalhostClustering(Host.GatewayPort, serviceId: "selfdissonance", clusterId: Host.ClusterId)
            .AddSelfDissonanceEvents());
        builder.Services.AddSelfDissonanceClusterClient();
        _clusterClientHost = builder.Build();
        await _clusterClientHost.StartAsync();
        ClusterClient = _clusterClientHost.Services.GetRequiredService<ISelfDissonanceClient>();
    }

    public async ValueTask DisposeAsync()
    {
        if (_clusterClientHost is not null)
        {
            await _clusterClientHost.StopAsync();
            _clusterClientHost.Dispose();
        }

        _http.Dispose();
        await Host.DisposeAsync();
    }
}
