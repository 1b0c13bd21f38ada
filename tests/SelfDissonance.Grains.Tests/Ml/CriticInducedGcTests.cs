using System.Diagnostics.Tracing;
using SelfDissonance.Learning.Ml;

namespace SelfDissonance.Grains.Tests.Ml;

/// <summary>Runs alone: induced collections are counted process-wide, so another test's fit or GC.Collect would count too.</summary>
[CollectionDefinition(nameof(InducedGcCollection), DisableParallelization = true)]
public sealed class InducedGcCollection;

/// <summary>
/// ML.NET's FastTree trainers force blocking full collections in every fit; in a silo each one stalls all serving
/// (issue 8: a learning cycle took serving p99 from 10 ms to over a second). The critic must fit without any.
/// </summary>
[Collection(nameof(InducedGcCollection))]
public sealed class CriticInducedGcTests
{
    [Fact]
    public async Task A_critic_fit_forces_no_full_collection()
    {
        var rows = Clusters.Generate([(6, 6), (0, 0)], perClass: 200, seed: 5);
        using var listener = new InducedGcListener();

        new RandomForestCriticTrainer().Fit(new ModelShape(2, 2), rows);
        var forcedFull = await listener.InducedFullCollectionsBeforeMarkerAsync(TestContext.Current.CancellationToken);

        Assert.Equal(0, forcedFull);
    }

    /// <summary>
    /// Counts induced gen-2 collections until a marker: an induced gen-0 collection of its own (events arrive in order).
    /// A marker the GC escalates to gen 1 is neither (counted as a full collection before, it failed a CI run once).
    /// </summary>
    private sealed class InducedGcListener : EventListener
    {
        private const int InducedReason = 1;
        private readonly TaskCompletionSource<int> _marker = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private readonly TaskCompletionSource _enabled = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private int _inducedFull;

        public async Task<int> InducedFullCollectionsBeforeMarkerAsync(CancellationToken cancellationToken)
        {
            await _enabled.Task.WaitAsync(cancellationToken);
            var deadline = DateTime.UtcNow.AddSeconds(30);
            while (!_marker.Task.IsCompleted && DateTime.UtcNow < deadline)
            {
                GC.Collect(0, GCCollectionMode.Forced);
                await Task.WhenAny(_marker.Task, Task.Delay(200, cancellationToken));
            }

            return await _marker.Task.WaitAsync(cancellationToken);
        }

        protected override void OnEventSourceCreated(EventSource eventSource)
        {
            if (eventSource.Name == "Microsoft-Windows-DotNETRuntime")
            {
                EnableEvents(eventSource, EventLevel.Informational, (EventKeywords)0x1);
                _enabled.TrySetResult();
            }
        }

        protected override void OnEventWritten(EventWrittenEventArgs eventData)
        {
            if (eventData.EventName?.StartsWith("GCStart", StringComparison.Ordinal) != true || eventData.PayloadNames is not { } names)
            {
                return;
            }

            var reason = Convert.ToInt32(eventData.Payload![names.IndexOf("Reason")], System.Globalization.CultureInfo.InvariantCulture);
            var depth = Convert.ToInt32(eventData.Payload[names.IndexOf("Depth")], System.Globalization.CultureInfo.InvariantCulture);
            if (reason != InducedReason)
            {
                return;
            }

            if (depth == 0)
            {
                _marker.TrySetResult(Volatile.Read(ref _inducedFull));
            }
            else if (depth == 2 && !_marker.Task.IsCompleted)
            {
                Interlocked.Increment(ref _inducedFull);
            }
        }
    }
}
