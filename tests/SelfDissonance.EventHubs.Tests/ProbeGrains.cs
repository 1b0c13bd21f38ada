using Orleans.Streaming.EventHubs;
using Orleans.Streams;
using Orleans.Streams.Core;
using SelfDissonance.Episodes;
using SelfDissonance.Learning;
using SelfDissonance.Runtime;

namespace SelfDissonance.EventHubs.Tests;

/// <summary>
/// Probe namespaces on the product's queue-path provider (<see cref="StreamNames.Provider"/>), carrying the product's
/// own event types. Not the product namespaces: those would also wake the real learner and episode grains, which need
/// the whole profile (their delivery over Event Hubs is the Azure profile's end-to-end business).
/// </summary>
public static class ProbeStreams
{
    public const string Learning = "eh-probe-learning";
    public const string Episodes = "eh-probe-episodes";
}

public interface IProbePublisherGrain : IGrainWithStringKey
{
    /// <summary>Publishes each event with its own OnNextAsync, in order, as the episode pipeline does.</summary>
    Task PublishLearningAsync(string taskId, LearningEvent[] events);

    Task PublishEpisodeAsync(EpisodeRequest request);
}

public sealed class ProbePublisherGrain : Grain, IProbePublisherGrain
{
    public async Task PublishLearningAsync(string taskId, LearningEvent[] events)
    {
        var stream = this.GetStreamProvider(StreamNames.Provider).GetStream<LearningEvent>(StreamId.Create(ProbeStreams.Learning, taskId));
        foreach (var e in events)
        {
            await stream.OnNextAsync(e);
        }
    }

    public Task PublishEpisodeAsync(EpisodeRequest request) =>
        this.GetStreamProvider(StreamNames.Provider).GetStream<EpisodeRequest>(StreamId.Create(ProbeStreams.Episodes, request.EpisodeId)).OnNextAsync(request);
}

public interface IProbeConsumerGrain : IGrainWithStringKey;

/// <summary>Records every learning event delivered to it (implicit subscription), with the Event Hubs position of its token.</summary>
[ImplicitStreamSubscription(ProbeStreams.Learning)]
public sealed class ProbeLearningConsumerGrain : Grain, IProbeConsumerGrain, IStreamSubscriptionObserver, IAsyncObserver<LearningEvent>
{
    public async Task OnSubscribed(IStreamSubscriptionHandleFactory handleFactory) => await handleFactory.Create<LearningEvent>().ResumeAsync(this);

    public async Task OnNextAsync(LearningEvent item, StreamSequenceToken? token = null)
    {
        await DeliveryLedger.WaitAtGateAsync(item.EpisodeId);
        DeliveryLedger.Record(this.GetPrimaryKeyString(), item.EpisodeId, item, token);
    }

    public Task OnCompletedAsync() => Task.CompletedTask;

    public Task OnErrorAsync(Exception ex) => Task.CompletedTask;
}

/// <summary>Records every queued episode request delivered to it (one stream per episode id, as the queue path).</summary>
[ImplicitStreamSubscription(ProbeStreams.Episodes)]
public sealed class ProbeEpisodeConsumerGrain : Grain, IProbeConsumerGrain, IStreamSubscriptionObserver, IAsyncObserver<EpisodeRequest>
{
    public async Task OnSubscribed(IStreamSubscriptionHandleFactory handleFactory) => await handleFactory.Create<EpisodeRequest>().ResumeAsync(this);

    public Task OnNextAsync(EpisodeRequest item, StreamSequenceToken? token = null)
    {
        DeliveryLedger.Record(this.GetPrimaryKeyString(), item.EpisodeId, item, token);
        return Task.CompletedTask;
    }

    public Task OnCompletedAsync() => Task.CompletedTask;

    public Task OnErrorAsync(Exception ex) => Task.CompletedTask;
}

/// <summary>One completed delivery: which stream, which event, the token's Event Hubs offset and sequence number, which cluster.</summary>
public sealed record Delivery(string Stream, string EpisodeId, object Event, long Offset, long SequenceNumber, int Generation, DateTime CompletedUtc);

/// <summary>What the probe consumers received (tests run one at a time; each starts with <see cref="Reset"/>).</summary>
public static class DeliveryLedger
{
    private static readonly Lock s_lock = new();
    private static List<Delivery> s_deliveries = [];
    private static Dictionary<string, TaskCompletionSource> s_gates = [];

    /// <summary>Stamped on each delivery: which cluster (first, restarted) delivered it.</summary>
    public static int Generation { get; set; }

    public static void Reset()
    {
        lock (s_lock)
        {
            s_deliveries = [];
            s_gates = [];
            Generation = 0;
        }
    }

    public static IReadOnlyList<Delivery> Deliveries
    {
        get
        {
            lock (s_lock)
            {
                return [.. s_deliveries];
            }
        }
    }

    /// <summary>Holds the delivery of <paramref name="episodeId"/> until <see cref="Open"/>.</summary>
    public static void Close(string episodeId)
    {
        lock (s_lock)
        {
            s_gates[episodeId] = new(TaskCreationOptions.RunContinuationsAsynchronously);
        }
    }

    public static void Open(string episodeId)
    {
        lock (s_lock)
        {
            s_gates[episodeId].TrySetResult();
        }
    }

    internal static Task WaitAtGateAsync(string episodeId)
    {
        lock (s_lock)
        {
            return s_gates.TryGetValue(episodeId, out var gate) ? gate.Task : Task.CompletedTask;
        }
    }

    internal static void Record(string stream, string episodeId, object item, StreamSequenceToken? token)
    {
        var position = token as IEventHubPartitionLocation
            ?? throw new InvalidOperationException($"Expected an Event Hubs token, got {token?.GetType().Name ?? "null"}.");
        var delivery = new Delivery(stream, episodeId, item, long.Parse(position.EventHubOffset, System.Globalization.CultureInfo.InvariantCulture), position.SequenceNumber, Generation, DateTime.UtcNow);
        lock (s_lock)
        {
            s_deliveries.Add(delivery);
        }
    }
}
