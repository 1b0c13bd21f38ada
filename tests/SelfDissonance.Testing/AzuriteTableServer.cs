namespace SelfDissonance.Testing;

/// <summary>
/// Azurite's Table service (same npm package as <see cref="AzuriteServer"/>) on a free loopback port, for the Orleans
/// Azure Table providers (Event Hubs checkpoints). Same flags: --skipApiVersionCheck and --disableTelemetry.
/// </summary>
public sealed class AzuriteTableServer() : LoopbackServer("azurite-table")
{
    /// <summary>Azurite's well-known development account (public, documented; not a secret).</summary>
    private const string DevAccountKey = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";

    public string ConnectionString =>
        $"DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey={DevAccountKey};TableEndpoint=http://127.0.0.1:{Port}/devstoreaccount1;";

    public static async Task<AzuriteTableServer> StartNewAsync()
    {
        var server = new AzuriteTableServer();
        await server.StartAsync();
        return server;
    }

    protected override (string FileName, IReadOnlyList<string> Arguments) Command() =>
        File.Exists(RepoPaths.AzuriteTable)
            ? (RepoPaths.AzuriteTable, [
                "--tableHost", "127.0.0.1",
                "--tablePort", Text(Port),
                "--location", DataDirectory,
                "--skipApiVersionCheck",
                "--disableTelemetry",
                "--silent",
            ])
            : throw new InvalidOperationException($"Azurite is not installed at {RepoPaths.AzuriteTable}; run scripts/install-services.sh (npm ci in tools/azurite).");
}
