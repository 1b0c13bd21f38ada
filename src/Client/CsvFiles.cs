using SelfDissonance.Client.Contracts;

namespace SelfDissonance.Client;

/// <summary>Bootstrapping from a CSV file, the same for every transport.</summary>
internal static class CsvFiles
{
    public static async Task<BootstrapResponse> BootstrapAsync(ISelfDissonanceClient client, string task, string path, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 81920, useAsync: true);
        await using (file.ConfigureAwait(false))
        {
            return await client.BootstrapFromCsvAsync(task, file, cancellationToken).ConfigureAwait(false);
        }
    }
}
