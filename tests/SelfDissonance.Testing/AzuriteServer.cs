namespace SelfDissonance.Testing;

/// <summary>
/// Azurite's blob service (npm package installed under tools/azurite by scripts/test.sh) on a free loopback port.
/// Started with --skipApiVersionCheck (Azure.Storage.Blobs sends a newer API version) and --disableTelemetry.
/// </summary>
public sealed class AzuriteServer() : LoopbackServer("azurite-blob")
{
    /// <summary>Azurite's well-known development account (public, documented; not a secret).</summary>
    private const string DevAccountKey = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";

    public string ConnectionString =>
        $"DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey={DevAccountKey};BlobEndpoint=http://127.0.0.1:{Port}/devstoreaccount1;";

    public static async Task<AzuriteServer> StartNewAsync()
    {
        var server = new AzuriteServer();
        await server.StartAsync();
        return server;
    }

    protected override (string FileName, IReadOnlyList<string> Arguments) Command() =>
        File.Exists(RepoPaths.AzuriteBlob)
            ? (RepoPaths.AzuriteBlob, [
                "--blobHost", "127.0.0.1",
                "--blobPort", Text(Port),
                "--location", DataDirectory,
                "--skipApiVersionCheck",
                "--disableTelemetry",
                "--silent",
            ])
            : throw new InvalidOperationException($"Azurite is not installed at {RepoPaths.AzuriteBlob}; run scripts/install-services.sh (npm ci in tools/azurite).");
}
