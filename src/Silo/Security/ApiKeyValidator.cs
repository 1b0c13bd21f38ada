using System.Collections.Concurrent;
using System.Security.Cryptography;
using Microsoft.Extensions.Options;
using SelfDissonance.Security;

namespace SelfDissonance.Silo.Security;

/// <summary>
/// Checks presented keys against the key store and caches the answer on this silo for
/// <see cref="SecurityOptions.KeyCacheDuration"/>, so the hot path costs a SHA-256 and a dictionary lookup. The key store
/// tells this cache (an Orleans observer) about every revocation, which drops the key at once on every silo.
/// </summary>
public sealed class ApiKeyValidator(IGrainFactory grains, IOptions<SecurityOptions> options, TimeProvider time) : IApiKeyObserver
{
    private readonly ConcurrentDictionary<string, Entry> _cache = new(StringComparer.Ordinal);
    private long _generation;

    /// <summary>The stored key the presented one matches, or null (unknown, wrong secret, revoked).</summary>
    public async ValueTask<ApiKeyRecord?> ValidateAsync(string presented)
    {
        if (presented.Length is 0 or > 512)
        {
            return null;
        }

        var id = ApiKeySecrets.IdOf(presented);
        var fingerprint = ApiKeySecrets.Fingerprint(presented);
        var now = time.GetUtcNow();
        if (_cache.TryGetValue(id, out var cached) && cached.Until > now)
        {
            return CryptographicOperations.FixedTimeEquals(cached.Fingerprint, fingerprint) ? cached.Key : null;
        }

        // A revocation arriving while the store is asked must not be overwritten by the answer it raced with.
        var generation = Interlocked.Read(ref _generation);
        var key = await grains.GetGrain<IApiKeyStoreGrain>(IApiKeyStoreGrain.Key).GetAsync(id);
        if (key is null || key.IsRevoked || !ApiKeySecrets.Verify(presented, key))
        {
            return null;
        }

        if (Interlocked.Read(ref _generation) == generation)
        {
            _cache[id] = new Entry(key, fingerprint, now + options.Value.KeyCacheDuration);
        }

        return key;
    }

    public Task KeyChangedAsync(string id)
    {
        Interlocked.Increment(ref _generation);
        _cache.TryRemove(id, out _);
        return Task.CompletedTask;
    }

    private sealed record Entry(ApiKeyRecord Key, byte[] Fingerprint, DateTimeOffset Until);
}
