using System.Collections.Immutable;
using Orleans.Concurrency;

namespace SelfDissonance.Security;

/// <summary>
/// Every API key of the service (one grain, key <see cref="Key"/>), persisted in control-plane storage so keys survive
/// restarts and every silo of a cluster sees the same ones. Silos subscribe to hear about revocations at once.
/// </summary>
[Alias("sd.IApiKeyStoreGrain")]
public interface IApiKeyStoreGrain : IGrainWithStringKey
{
    public const string Key = "keys";

    /// <summary>Adds a key; false when its id is taken (ids are random, so a retry with a new id succeeds).</summary>
    [Alias("Create")]
    Task<bool> CreateAsync(ApiKeyRecord key);

    /// <summary>
    /// The admin key from configuration or the generated key file. With <paramref name="replace"/> a different stored
    /// admin key is replaced (rotation through configuration); without, an existing one wins. True when stored.
    /// </summary>
    [Alias("EnsureAdmin")]
    Task<bool> EnsureAdminAsync(ApiKeyRecord key, bool replace);

    [AlwaysInterleave]
    [Alias("Get")]
    Task<ApiKeyRecord?> GetAsync(string id);

    [AlwaysInterleave]
    [Alias("List")]
    Task<ImmutableArray<ApiKeyRecord>> ListAsync();

    /// <summary>Marks the key revoked (kept for the audit trail) and tells every subscribed silo to drop it. Null when unknown.</summary>
    [Alias("Revoke")]
    Task<ApiKeyRecord?> RevokeAsync(string id, string by);

    /// <summary>Subscriptions expire; silos renew them periodically.</summary>
    [Alias("Subscribe")]
    Task SubscribeAsync(IApiKeyObserver observer);
}
