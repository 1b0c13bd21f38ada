using System.Collections.Immutable;
using Microsoft.Extensions.Logging;
using Orleans.Concurrency;
using SelfDissonance.Runtime;

namespace SelfDissonance.Episodes;

/// <summary>
/// Accepts queue-path requests: each is stored as received with a finish reminder (<see cref="ReceivedEpisodes"/>), then
/// put on its episode stream so it runs at once. An id is accepted only once both succeeded; when the stream stays full
/// through every retry, the ids published so far are reported with a queue_full error so the caller can resubmit the
/// rest (resubmitting an accepted id is harmless: episodes are idempotent). The ones stored but not published run when
/// their reminder fires.
/// </summary>
[StatelessWorker]
public sealed partial class EpisodeIntakeGrain(ReceivedEpisodes received, ILogger<EpisodeIntakeGrain> logger) : Grain, IEpisodeIntakeGrain
{
    public async Task<ImmutableArray<string>> SubmitAsync(ImmutableArray<EpisodeRequest> requests)
    {
        // Durable before anything is accepted; the batch's writes go to storage together.
        await Task.WhenAll(requests.Select(r => received.StoreAsync(GrainFactory, r)));
        var provider = this.GetStreamProvider(StreamNames.Provider);
        var accepted = ImmutableArray.CreateBuilder<string>(requests.Length);
        foreach (var request in requests)
        {
            var stream = provider.GetStream<EpisodeRequest>(StreamId.Create(StreamNames.EpisodeRequests, request.EpisodeId));
            if (!await StreamPublisher.TryPublishAsync(stream, request, logger))
            {
                LogQueueFull(logger, accepted.Count, requests.Length);
                throw DomainException.Unavailable(
                    ReasonCodes.QueueFull,
                    "The episode queue is full; retry later.",
                    $"Accepted {accepted.Count} of {requests.Length}: {string.Join(",", accepted)}. Resubmit the rest.");
            }

            accepted.Add(request.EpisodeId);
        }

        return accepted.ToImmutable();
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Episode queue full: accepted {Accepted} of {Requested} queued episodes")]
    private static partial void LogQueueFull(ILogger logger, int accepted, int requested);
}
