using System.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Orleans.Serialization;
using Orleans.Streams;
using SelfDissonance.Streaming.RedisStreams;

namespace SelfDissonance.RedisStreams.Tests;

/// <summary>The adapter factory, adapter and receivers driven directly, without a silo, as a pulling agent would.</summary>
public static class DirectProvider
{
    public const string Name = "direct";
    public static readonly StreamId Stream = StreamId.Create(ProbeStreams.Namespace, "direct");
    private static readonly Serializer s_serializer = new ServiceCollection().AddSerializer().BuildServiceProvider().GetRequiredService<Serializer>();

    public static RedisStreamOptions Options(RedisFixture redis, string prefix, int queues = 1) => new()
    {
        ConnectionString = redis.ConnectionString,
        KeyPrefix = prefix,
        ConsumerGroup = ProbeStreams.Group,
        QueueCount = queues,
        PendingCheckInterval = TimeSpan.FromMilliseconds(50),
    };

    /// <summary>A factory as one silo would have it; <paramref name="silo"/> names its consumers (<c>{silo}/{queue}</c>).</summary>
    public static RedisStreamAdapterFactory Factory(RedisStreamOptions options, string silo) =>
        new(Name, options, "test-service", silo, s_serializer, NullLoggerFactory.Instance);

    public static async Task<IQueueAdapterReceiver> ReceiverAsync(RedisStreamAdapterFactory factory, QueueId queue)
    {
        var adapter = await factory.CreateAdapter(TestContext.Current.CancellationToken);
        var receiver = adapter.CreateReceiver(queue);
        await receiver.Initialize(TimeSpan.FromSeconds(5));
        return receiver;
    }

    public static QueueId Queue(RedisStreamAdapterFactory factory, int index) =>
        factory.GetStreamQueueMapper().GetAllQueues().Single(q => q.GetNumericId() == index);

    public static async Task PublishAsync(IQueueAdapter adapter, params string[] ids)
    {
        for (var i = 0; i < ids.Length; i++)
        {
            await adapter.QueueMessageBatchAsync(Stream, [new ProbeEvent(ids[i], i, ProbeBehaviour.Normal)], null, null);
        }
    }

    /// <summary>Reads until <paramref name="expected"/> batches arrived or the deadline passed; returns what arrived.</summary>
    public static async Task<List<IBatchContainer>> ReadAsync(IQueueAdapterReceiver receiver, int expected, TimeSpan timeout)
    {
        var read = new List<IBatchContainer>();
        var clock = Stopwatch.StartNew();
        while (read.Count < expected && clock.Elapsed < timeout)
        {
            read.AddRange(await receiver.GetQueueMessagesAsync(100, TestContext.Current.CancellationToken));
            if (read.Count < expected)
            {
                await Task.Delay(25, TestContext.Current.CancellationToken);
            }
        }

        return read;
    }

    /// <summary>
    /// What the pulling agent does to every batch it hands a consumer (it imports the request context just before the
    /// delivery call): a receiver acknowledges only batches a consumer was handed.
    /// </summary>
    public static IList<IBatchContainer> HandedToConsumer(IList<IBatchContainer> batches)
    {
        foreach (var batch in batches)
        {
            batch.ImportRequestContext();
        }

        return batches;
    }

    public static string[] Ids(IEnumerable<IBatchContainer> batches) =>
        [.. batches.SelectMany(b => b.GetEvents<ProbeEvent>()).Select(e => e.Item1.Id)];
}
