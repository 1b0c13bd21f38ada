namespace SelfDissonance.RedisStreams.Tests;

/// <summary>Marker interface of the probe consumer; everything it sees goes to the static <see cref="ProbeLedger"/>.</summary>
public interface IProbeConsumerGrain : IGrainWithStringKey
{
    Task PingAsync();
}
