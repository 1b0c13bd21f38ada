using Orleans.Streams;
using Orleans.Streams.Core;

namespace SelfDissonance.RedisStreams.Tests;

/// <summary>
/// An implicit-subscription consumer that records every delivery and processes each event id once (idempotent, like
/// the episode and learner grains). Placed on the silo whose pulling agent delivers to it, so "the consumer on silo B"
/// means "the queue owned by silo B".
/// </summary>
[ImplicitStreamSubscription(ProbeStreams.Namespace)]
[Orleans.Placement.PreferLocalPlacement]
public sealed class ProbeConsumerGrain(ILocalSiloDetails silo) : Grain, IProbeConsumerGrain, IStreamSubscriptionObserver, IAsyncObserver<ProbeEvent>
{
    public Task PingAsync() => Task.CompletedTask;

    public async Task OnSubscribed(IStreamSubscriptionHandleFactory handleFactory) =>
        await handleFactory.Create<ProbeEvent>().ResumeAsync(this);

    public async Task OnNextAsync(ProbeEvent item, StreamSequenceToken? token = null)
    {
        var here = silo.SiloAddress.ToString();
        ProbeLedger.RecordDelivery(item.Id, here);
        switch (item.Behaviour)
        {
            case ProbeBehaviour.Throw:
                throw new InvalidOperationException($"Probe {item.Id} always fails.");
            case ProbeBehaviour.WaitForGate:
            case ProbeBehaviour.StallOnBlockedSilo when ProbeLedger.BlockedSilo == here:
                if (!await ProbeLedger.WaitAsync(item.Id))
                {
                    // Abandoned: the silo is considered dead, so its work never completes.
                    return;
                }

                break;
        }

        ProbeLedger.RecordProcessed(item, this.GetPrimaryKeyString());
    }

    public Task OnCompletedAsync() => Task.CompletedTask;

    public Task OnErrorAsync(Exception ex) => Task.CompletedTask;
}
