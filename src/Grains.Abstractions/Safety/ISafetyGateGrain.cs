namespace SelfDissonance.Safety;

/// <summary>Allow/deny learning with reason codes. A stateless worker: call with key 0.</summary>
[Alias("sd.ISafetyGateGrain")]
public interface ISafetyGateGrain : IGrainWithIntegerKey
{
    [Alias("Check")]
    Task<GateVerdict> CheckAsync(GateRequest request);
}
