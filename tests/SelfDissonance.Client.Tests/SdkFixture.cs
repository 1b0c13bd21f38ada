using SelfDissonance.Testing;

namespace SelfDissonance.Client.Tests;

/// <summary>The shared real gateway (<see cref="GatewayHost"/>) plus an SDK client on it, for the tests of this assembly (each uses its own task ids).</summary>
public sealed class SdkFixture : IAsyncLifetime
{
    private readonly HttpClient _http = new() { Timeout = Timeout.InfiniteTimeSpan };

    public GatewayHost Host { get; } = new();

    /// <summary>An SDK client on the gateway with default retry settings.</summary>
    public ISelfDissonanceClient Client { get; private set; } = null!;

    public SelfDissonanceClientOptions Options => new() { BaseAddress = Host.BaseAddress, Timeout = TimeSpan.FromSeconds(60) };

    public async ValueTask InitializeAsync()
    {
        await Host.StartAsync();
        Client = new SelfDissonanceHttpClient(_http, Options);
    }

    public async ValueTask DisposeAsync()
    {
        _http.Dispose();
        await Host.DisposeAsync();
    }
}
