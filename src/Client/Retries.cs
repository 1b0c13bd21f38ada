using Polly;
using Polly.Retry;

namespace SelfDissonance.Client;

/// <summary>
/// Retries with exponential backoff and jitter (Polly) for both transports. Which failures may be retried depends on the
/// operation, so each call passes its own predicate; a <see cref="RetryAfterException"/> sets the next delay itself.
/// </summary>
internal sealed class Retries
{
    private static readonly ResiliencePropertyKey<Func<Exception, bool>> s_shouldRetry = new("selfdissonance.should-retry");

    private readonly ResiliencePipeline _pipeline;

    public Retries(int maxRetries, TimeSpan baseDelay)
    {
        MaxAttempts = maxRetries + 1;
        _pipeline = maxRetries == 0
            ? ResiliencePipeline.Empty
            : new ResiliencePipelineBuilder()
                .AddRetry(new RetryStrategyOptions
                {
                    MaxRetryAttempts = maxRetries,
                    Delay = baseDelay,
                    BackoffType = DelayBackoffType.Exponential,
                    UseJitter = true,
                    ShouldHandle = args => ValueTask.FromResult(
                        args.Outcome.Exception is { } e
                        && args.Context.Properties.TryGetValue(s_shouldRetry, out var shouldRetry)
                        && shouldRetry(e)),
                    DelayGenerator = args => ValueTask.FromResult(args.Outcome.Exception is RetryAfterException { Delay: var delay } ? delay : null),
                })
                .Build();
    }

    /// <summary>Attempts per call, the first included.</summary>
    public int MaxAttempts { get; }

    public async Task<T> RunAsync<T>(Func<CancellationToken, Task<T>> call, Func<Exception, bool> shouldRetry, CancellationToken cancellationToken)
    {
        var context = ResilienceContextPool.Shared.Get(cancellationToken);
        try
        {
            context.Properties.Set(s_shouldRetry, shouldRetry);
            return await _pipeline.ExecuteAsync(static async (ctx, run) => await run(ctx.CancellationToken).ConfigureAwait(false), context, call).ConfigureAwait(false);
        }
        finally
        {
            ResilienceContextPool.Shared.Return(context);
        }
    }
}

/// <summary>A transient answer worth another attempt; <see cref="Delay"/> is the service's <c>Retry-After</c>, if any.</summary>
internal sealed class RetryAfterException(TimeSpan? delay) : Exception("The service asked to retry.")
{
    public TimeSpan? Delay { get; } = delay;
}
