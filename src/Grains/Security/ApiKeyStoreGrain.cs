using System.Collections.Immutable;
using Microsoft.Extensions.Logging;
using Orleans.Utilities;
using SelfDissonance.Runtime;

namespace SelfDissonance.Security;

[GenerateSerializer, Immutable]
public sealed record ApiKeyStoreState
{
    [Id(0)] public ImmutableDictionary<string, ApiKeyRecord> Keys { get; init; } = ImmutableDictionary<string, ApiKeyRecord>.Empty.WithComparers(StringComparer.Ordinal);
}

/// <summary>
/// The key store. Reads are rare (a silo caches validated keys), so one grain serves the whole cluster; its
/// observers are the silos' caches, told about every revocation so it takes effect at once everywhere.
/// </summary>
public sealed partial class ApiKeyStoreGrain(
    [PersistentState("apiKeys", StorageNames.Control)] IPersistentState<ApiKeyStoreState> state,
    TimeProvider time,
    ILogger<ApiKeyStoreGrain> logger) : Grain, IApiKeyStoreGrain
{
    /// <summary>Silos renew well within this; a silo that died simply stops being told.</summary>
    public static readonly TimeSpan SubscriptionLifetime = TimeSpan.FromMinutes(2);

    private readonly ObserverManager<IApiKeyObserver> _observers = new(SubscriptionLifetime, logger);

    public async Task<bool> CreateAsync(ApiKeyRecord key)
    {
        if (state.State.Keys.ContainsKey(key.Id))
        {
            return false;
        }

        state.State = state.State with { Keys = state.State.Keys.SetItem(key.Id, key) };
        await state.WriteStateAsync();
        return true;
    }

    public async Task<bool> EnsureAdminAsync(ApiKeyRecord key, bool replace)
    {
        if (state.State.Keys.TryGetValue(key.Id, out var existing) && !existing.IsRevoked
            && (!replace || existing.Hash.SequenceEqual(key.Hash)))
        {
            return existing.Hash.SequenceEqual(key.Hash);
        }

        state.State = state.State with { Keys = state.State.Keys.SetItem(key.Id, key) };
        await state.WriteStateAsync();
        await NotifyAsync(key.Id);
        return true;
    }

    public Task<ApiKeyRecord?> GetAsync(string id) => Task.FromResult(state.State.Keys.GetValueOrDefault(id));

    public Task<ImmutableArray<ApiKeyRecord>> ListAsync() =>
        Task.FromResult(state.State.Keys.Values.OrderBy(k => k.CreatedAt).ThenBy(k => k.Id, StringComparer.Ordinal).ToImmutableArray());

    public async Task<ApiKeyRecord?> RevokeAsync(string id, string by)
    {
        if (!state.State.Keys.TryGetValue(id, out var key))
        {
            return null;
        }

        if (!key.IsRevoked)
        {
            key = key with { RevokedAt = time.GetUtcNow(), RevokedBy = by };
            state.State = state.State with { Keys = state.State.Keys.SetItem(id, key) };
            await state.WriteStateAsync();
            LogRevoked(logger, id, by);
        }

        await NotifyAsync(id);
        return key;
    }

    public Task SubscribeAsync(IApiKeyObserver observer)
    {
        _observers.Subscribe(observer, observer);
        return Task.CompletedTask;
    }

    private Task NotifyAsync(string id) => _observers.Notify(o => o.KeyChangedAsync(id));

    [LoggerMessage(Level = LogLevel.Warning, Message = "API key {Id} revoked by {By}")]
    private static partial void LogRevoked(ILogger logger, string id, string by);
}
