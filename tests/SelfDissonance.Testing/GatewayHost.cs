using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using SelfDissonance.Silo.Hosting;

namespace SelfDissonance.Testing;

/// <summary>
/// The real gateway silo (<see cref="SiloApp"/>: Orleans silo, Kestrel, API v1, dashboard) on free loopback ports, with
/// durable file state in a temporary folder so a test can stop it and start it again on the same data.
/// </summary>
public sealed class GatewayHost : IAsyncDisposable
{
    private readonly TempDirectory _data = new("sd-gateway");
    private readonly Dictionary<string, string?> _overrides;
    private readonly Action<WebApplicationBuilder>? _configure;
    private WebApplication? _app;

    /// <param name="overrides">Configuration over the test defaults.</param>
    /// <param name="configure">More host setup (for example an in-memory OpenTelemetry exporter).</param>
    public GatewayHost(Dictionary<string, string?>? overrides = null, Action<WebApplicationBuilder>? configure = null)
    {
        _overrides = overrides ?? [];
        _configure = configure;
    }

    public HttpClient Http { get; private set; } = null!;

    public Uri BaseAddress { get; private set; } = null!;

    /// <summary>The admin key this host starts with; <see cref="Http"/> sends it.</summary>
    public string AdminKey => _overrides.TryGetValue("SD_ADMIN_KEY", out var key) ? key! : TestKeys.Admin;

    /// <summary>Another client of this host, sending <paramref name="key"/> (none when null).</summary>
    public HttpClient CreateClient(string? key, HttpMessageHandler? handler = null) => TestKeys.Client(BaseAddress, key, handler);

    public string DataDirectory => _data.Path;

    /// <summary>The Orleans client gateway port (for cluster clients), fixed for the host's lifetime.</summary>
    public int GatewayPort { get; } = FreePort.Next();

    /// <summary>The Orleans cluster id, fixed for the host's lifetime.</summary>
    public string ClusterId { get; } = $"test-{Guid.NewGuid():N}";

    public IServiceProvider Services => _app?.Services ?? throw new InvalidOperationException("Not started.");

    public async Task StartAsync()
    {
        var settings = new Dictionary<string, string?>
        {
            ["SelfDissonance:DataDirectory"] = _data.Path,
            ["SelfDissonance:StateStore"] = "File",
            ["SelfDissonance:Silo:SiloPort"] = FreePort.Next().ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["SelfDissonance:Silo:GatewayPort"] = GatewayPort.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["SelfDissonance:Silo:ClusterId"] = ClusterId,
            ["SelfDissonance:Learning:CycleInterval"] = "00:00:02",
            // Test silos start often and side by side: the warm-up's seconds of CPU would only slow them (LearningWarmUpTests).
            ["SelfDissonance:Learning:WarmUp"] = "false",
            ["SelfDissonance:Runtime:CounterFlushInterval"] = "00:00:00.200",
            ["Logging:LogLevel:Default"] = "Warning",
            ["SD_ADMIN_KEY"] = TestKeys.Admin,
        };
        foreach (var (key, value) in _overrides)
        {
            settings[key] = value;
        }

        // Port 0: Kestrel takes a free port as it binds. A port picked beforehand could be taken by another process in
        // between (seen in CI: "address already in use").
        _app = SiloApp.Build(["--urls", "http://127.0.0.1:0"], b =>
        {
            b.Configuration.AddInMemoryCollection(settings);
            _configure?.Invoke(b);
        });
        await _app.StartAsync();
        BaseAddress = new Uri(_app.Urls.Single());
        Http = TestKeys.Client(BaseAddress, AdminKey);
    }

    public async Task StopAsync()
    {
        Http?.Dispose();
        if (_app is not null)
        {
            await _app.StopAsync();
            await _app.DisposeAsync();
            _app = null;
        }
    }

    public async Task RestartAsync()
    {
        await StopAsync();
        await StartAsync();
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        _data.Dispose();
    }
}
