using Azure.Data.Tables;
using SelfDissonance.Testing;

namespace SelfDissonance.EventHubs.Tests;

/// <summary>Azurite (its Table service) for the checkpoints, and a reader of the rows Orleans' checkpointer writes.</summary>
public sealed class TableStorage : IAsyncLifetime
{
    public AzuriteServer Server { get; private set; } = null!;

    public string ConnectionString => Server.ConnectionString;

    public async ValueTask InitializeAsync() => Server = await AzuriteServer.StartNewAsync();

    public async ValueTask DisposeAsync()
    {
        if (Server is not null)
        {
            await Server.DisposeAsync();
        }
    }

    /// <summary>
    /// The checkpointed offset per partition of one provider, read straight from the table: partition key
    /// <c>EventHubCheckpoints_{provider}_{serviceId}</c>, row key <c>partition_{partition}</c>, column <c>Offset</c>.
    /// </summary>
    public async Task<Dictionary<string, long>> CheckpointsAsync(string table, string provider, string serviceId)
    {
        var client = new TableClient(ConnectionString, table);
        var result = new Dictionary<string, long>();
        try
        {
            await foreach (var row in client.QueryAsync<TableEntity>(e => e.PartitionKey == $"EventHubCheckpoints_{provider}_{serviceId}"))
            {
                if (row.GetString("Offset") is { Length: > 0 } offset)
                {
                    result[row.RowKey["partition_".Length..]] = long.Parse(offset, System.Globalization.CultureInfo.InvariantCulture);
                }
            }
        }
        catch (Azure.RequestFailedException e) when (e.Status == 404)
        {
            // No table yet: nothing checkpointed.
        }

        return result;
    }
}
