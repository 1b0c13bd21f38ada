using Orleans.Streams;
using Orleans.Streams.Core;

namespace SelfDissonance.RedisStreams.Tests;

/// <summary>
/// An implicit-subscription consumer that records every delivery and processes each event id once (idempotent, like
/// the episode and learner grains). Placed on the silo whose pulling agent delivers to it, so "the consumer on silo B"
/// means "the queue owned by silo B" — unless a test activates it first from another silo (<see cref="PingAsync"/>
/// through that silo's grain factory). Each delivery also records the silo of the pulling agent that made the call.
/// </summary>
[ImplicitStreamSubscription(ProbeStreams.Namespace)]
[Orleans.Placement.PreferLocalPlacement]
public sealed class ProbeConsumerGrain(ILocalSiloDetails silo) : Grain, IProbeConsumerGrain, IStreamSubscriptionObserver, IAsyncObserver<ProbeEvent>, IIncomingGrainCallFilter
{
    // The silo of the system target (the pulling agent) whose call is being handled; flows into OnNextAsync.
    private static readonly AsyncLocal<string?> s_callerSilo = new();

    public Task PingAsync() => Task.CompletedTask;

    public async Task Invoke(IIncomingGrainCallContext context)
    {
        s_callerSilo.Value = context.SourceId is { } source && SystemTargetGrainId.TryParse(source, out var agent)
            ? agent.GetSiloAddress().ToString()
            : null;
        await context.Invoke();
    }

    public async Task OnSubscribed(IStreamSubscriptionHandleFactory handleFactory) =>
        await handleFactory.Create<ProbeEvent>().ResumeAsync(this);

    public async Task OnNextAsync(ProbeEvent item, StreamSequenceToken? token = null)
    {
        var here = silo.SiloAddress.ToString();
        ProbeLedger.RecordDelivery(item.Id, here, s_callerSilo.Value);
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
