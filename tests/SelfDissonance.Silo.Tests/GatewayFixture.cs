using SelfDissonance.Testing;

namespace SelfDissonance.Silo.Tests;

/// <summary>One real gateway silo on a loopback port, shared by the tests of this assembly (each uses its own task ids).</summary>
public sealed class GatewayFixture : IAsyncLifetime
{
    // Tests here count versions and cycles, so the learner's timer must not start cycles of its own mid-test on a slow
    // machine; the timer has its own test (RestartTests) on its own host.
    public GatewayHost Host { get; } = new(new() { ["SelfDissonance:Learning:CycleInterval"] = "00:10:00" });

    public HttpClient Http => Host.Http;

    public ValueTask InitializeAsync() => new(Host.StartAsync());

    public ValueTask DisposeAsync() => Host.DisposeAsync();
}
