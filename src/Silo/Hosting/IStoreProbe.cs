namespace SelfDissonance.Silo.Hosting;

/// <summary>A readiness probe of the services a multi-silo profile cannot serve without (Redis; Azure Table and Blob storage).</summary>
public interface IStoreProbe
{
    /// <summary>For the readiness check's description only (never shown in the answer body).</summary>
    string Name { get; }

    /// <summary>True when the service answered before <paramref name="cancellationToken"/> was cancelled.</summary>
    Task<bool> PingAsync(CancellationToken cancellationToken);
}
