using SelfDissonance.Testing;

namespace SelfDissonance.Silo.Tests;

/// <summary>One real gateway silo on a loopback port, shared by the tests of this assembly (each uses its own task ids).</summary>
public sealed class GatewayFixture : IAsyncLifetime
{
    public GatewayHost Host { get; } = new();

    public HttpClient Http => Host.Http;

    public ValueTask InitializeAsync() => new(Host.StartAsync());

    public ValueTask DisposeAsync() => Host.DisposeAsync();
}
