namespace SelfDissonance.Testing;

/// <summary>
/// Azurite's Blob, Queue and Table services in one process (npm package installed under tools/azurite by
/// scripts/test.sh), each on a free loopback port. Started with --skipApiVersionCheck (the Azure SDKs send newer API
/// versions) and --disableTelemetry (GOTCHAS 7). Stopping it takes all three away, as an Azure Storage outage would.
/// </summary>
public sealed class AzuriteServer() : LoopbackServer("azurite")
{
    /// <summary>Azurite's well-known development account (public, documented; not a secret).</summary>
    private const string DevAccountKey = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";

    /// <summary>The blob service's port (<see cref="LoopbackServer.Port"/>).</summary>
    public int BlobPort => Port;

    public int QueuePort { get; } = FreePort.Next();

    public int TablePort { get; } = FreePort.Next();

    /// <summary>All three services: what the Azure profile's <c>ConnectionStrings:AzureStorage</c> takes, and the cluster profile's blob connection.</summary>
    public string ConnectionString =>
        $"DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey={DevAccountKey};"
        + $"BlobEndpoint=http://127.0.0.1:{BlobPort}/devstoreaccount1;"
        + $"QueueEndpoint=http://127.0.0.1:{QueuePort}/devstoreaccount1;"
        + $"TableEndpoint=http://127.0.0.1:{TablePort}/devstoreaccount1;";

    protected override IReadOnlyList<int> Ports => [BlobPort, QueuePort, TablePort];

    public static async Task<AzuriteServer> StartNewAsync()
    {
        var server = new AzuriteServer();
        await server.StartAsync();
        return server;
    }

    protected override (string FileName, IReadOnlyList<string> Arguments) Command() =>
        File.Exists(RepoPaths.Azurite)
            ? (RepoPaths.Azurite, [
                "--blobHost", "127.0.0.1",
                "--blobPort", Text(BlobPort),
                "--queueHost", "127.0.0.1",
                "--queuePort", Text(QueuePort),
                "--tableHost", "127.0.0.1",
                "--tablePort", Text(TablePort),
                "--location", DataDirectory,
                "--skipApiVersionCheck",
                "--disableTelemetry",
                "--silent",
            ])
            : throw new InvalidOperationException($"Azurite is not installed at {RepoPaths.Azurite}; run scripts/install-services.sh (npm ci in tools/azurite).");
}
