using Azure.Core;
using Azure.Data.Tables;
using Azure.Identity;
using Azure.Storage.Blobs;
using Azure.Storage.Queues;
using Microsoft.Extensions.Configuration;

namespace SelfDissonance.Runtime;

/// <summary>
/// The Azure profile's storage clients, from <c>ConnectionStrings:AzureStorage</c> or from the service URIs in
/// <c>SelfDissonance:Azure</c> plus <c>DefaultAzureCredential</c>. Builds Table, Blob and Queue clients with the same
/// retry policy; a secret never appears in ToString or a log line.
/// </summary>
public sealed class AzureConnections
{
    public const string ConnectionStringName = "AzureStorage";

    private readonly string? _connectionString;
    private readonly AzureStorageOptions _options;

    private AzureConnections(string? connectionString, AzureStorageOptions options, TokenCredential? credential)
    {
        _connectionString = connectionString;
        _options = options;
        Credential = credential;
    }

    /// <summary>The credential the URIs are used with (null with a connection string): Event Hubs reuses it.</summary>
    public TokenCredential? Credential { get; }

    /// <summary>Whether the clients come from a connection string (Azurite, or an account key) rather than an identity.</summary>
    public bool UsesConnectionString => _connectionString is not null;

    public static AzureConnections From(IConfiguration configuration)
    {
        var options = configuration.GetSection(AzureStorageOptions.Section).Get<AzureStorageOptions>() ?? new AzureStorageOptions();
        var connectionString = configuration.GetConnectionString(ConnectionStringName);
        if (!string.IsNullOrWhiteSpace(connectionString))
        {
            return new AzureConnections(connectionString, options, credential: null);
        }

        var missing = new[]
        {
            (nameof(AzureStorageOptions.TableServiceUri), options.TableServiceUri),
            (nameof(AzureStorageOptions.BlobServiceUri), options.BlobServiceUri),
        }.Where(u => u.Item2 is null).Select(u => $"{AzureStorageOptions.Section}:{u.Item1}").ToList();
        if (missing.Count > 0)
        {
            throw new InvalidOperationException(
                $"SelfDissonance:Profile=Azure needs ConnectionStrings:{ConnectionStringName} (env ConnectionStrings__{ConnectionStringName}), "
                + $"or service URIs with DefaultAzureCredential: missing {string.Join(" and ", missing)} (and {AzureStorageOptions.Section}:QueueServiceUri for Azure Queue streams). "
                + "scripts/services.sh starts Azurite on loopback and prints its connection string.");
        }

        var credential = new DefaultAzureCredential(new DefaultAzureCredentialOptions { ManagedIdentityClientId = options.ManagedIdentityClientId });
        return new AzureConnections(null, options, credential);
    }

    /// <summary>A Table client; the readiness probe passes its own short limits so a probe never outlasts its deadline.</summary>
    public TableServiceClient Tables(int? maxRetries = null, TimeSpan? networkTimeout = null)
    {
        var o = new TableClientOptions();
        ApplyRetry(o.Retry, maxRetries ?? _options.MaxRetries, networkTimeout ?? _options.NetworkTimeout);
        return _connectionString is { } cs ? new TableServiceClient(cs, o) : new TableServiceClient(_options.TableServiceUri, Credential, o);
    }

    public BlobServiceClient Blobs(int? maxRetries = null, TimeSpan? networkTimeout = null)
    {
        var o = new BlobClientOptions();
        ApplyRetry(o.Retry, maxRetries ?? _options.MaxRetries, networkTimeout ?? _options.NetworkTimeout);
        return _connectionString is { } cs ? new BlobServiceClient(cs, o) : new BlobServiceClient(_options.BlobServiceUri, Credential, o);
    }

    public QueueServiceClient Queues()
    {
        var o = new QueueClientOptions();
        ApplyRetry(o.Retry, _options.MaxRetries, _options.NetworkTimeout);
        if (_connectionString is { } cs)
        {
            return new QueueServiceClient(cs, o);
        }

        return _options.QueueServiceUri is { } uri
            ? new QueueServiceClient(uri, Credential, o)
            : throw new InvalidOperationException($"SelfDissonance:Streams:Provider=AzureQueue needs {AzureStorageOptions.Section}:QueueServiceUri (or ConnectionStrings:{ConnectionStringName}).");
    }

    public override string ToString() => _connectionString is null
        ? $"AzureConnections {{ {_options}, DefaultAzureCredential }}"
        : "AzureConnections { ConnectionString = *** }";

    private static void ApplyRetry(RetryOptions retry, int maxRetries, TimeSpan networkTimeout)
    {
        retry.Mode = RetryMode.Exponential;
        retry.MaxRetries = maxRetries;
        retry.Delay = TimeSpan.FromMilliseconds(200);
        retry.MaxDelay = TimeSpan.FromSeconds(5);
        retry.NetworkTimeout = networkTimeout;
    }
}
