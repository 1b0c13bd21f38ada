using SelfDissonance.Security;

namespace SelfDissonance.Silo.Security;

/// <summary>
/// Keeps this silo's key cache subscribed to the key store's revocations. Subscriptions expire and a reactivated key
/// store starts with none, so the silo renews well within the expiry.
/// </summary>
public sealed partial class ApiKeySubscription(IGrainFactory grains, ApiKeyValidator validator, ILogger<ApiKeySubscription> logger) : BackgroundService
{
    public static readonly TimeSpan RenewEvery = TimeSpan.FromSeconds(20);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        // The validator is a singleton, so the reference Orleans holds weakly stays alive.
        var observer = grains.CreateObjectReference<IApiKeyObserver>(validator);
        var store = grains.GetGrain<IApiKeyStoreGrain>(IApiKeyStoreGrain.Key);
        while (!stoppingToken.IsCancellationRequested)
        {
            var wait = RenewEvery;
            try
            {
                await store.SubscribeAsync(observer);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                LogSubscribeFailed(logger, e);
                wait = TimeSpan.FromSeconds(1);
            }

            try
            {
                await Task.Delay(wait, stoppingToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not subscribe to API key revocations; retrying (the key cache's expiry still applies)")]
    private static partial void LogSubscribeFailed(ILogger logger, Exception exception);
}
