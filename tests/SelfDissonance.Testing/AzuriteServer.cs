namespace SelfDissonance.Testing;

/// <summary>
/// Azurite's blob service (npm package installed under tools/azurite by scripts/test.sh) on a free loopback port.
/// Started with --skipApiVersionCheck (Azure.Storage.Blobs sends a newer API version) and --disableTelemetry.
/// Stop and Start keep the port and the data.
/// </summary>
public sealed class AzuriteServer : IAsyncDisposable
{
    /// <summary>Azurite's well-known development account (public, documented; not a secret).</summary>
    private const string DevAccountKey = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";

    private readonly TempDirectory _dir = new("sd-azurite");
    private ExternalProcess? _process;

    public int Port { get; } = FreePort.Next();

    public string ConnectionString =>
        $"DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey={DevAccountKey};BlobEndpoint=http://127.0.0.1:{Port}/devstoreaccount1;";

    public bool IsRunning => _process is { HasExited: false };

    public static async Task<AzuriteServer> StartNewAsync()
    {
        var server = new AzuriteServer();
        await server.StartAsync();
        return server;
    }

    public async Task StartAsync()
    {
        if (IsRunning)
        {
            return;
        }

        if (!File.Exists(RepoPaths.AzuriteBlob))
        {
            throw new InvalidOperationException($"Azurite is not installed at {RepoPaths.AzuriteBlob}; run scripts/test.sh (it runs npm ci in tools/azurite).");
        }

        _process = ExternalProcess.Start(RepoPaths.AzuriteBlob, [
            "--blobHost", "127.0.0.1",
            "--blobPort", Port.ToString(System.Globalization.CultureInfo.InvariantCulture),
            "--location", _dir.Path,
            "--skipApiVersionCheck",
            "--disableTelemetry",
            "--silent",
        ]);
        await _process.WaitForPortAsync(Port, TimeSpan.FromSeconds(30), "azurite-blob");
    }

    public async Task StopAsync()
    {
        if (_process is { } p)
        {
            await p.StopAsync(TimeSpan.FromSeconds(10));
            _process = null;
        }
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        _dir.Dispose();
    }
}
