namespace SelfDissonance.Runtime;

/// <summary>
/// One per silo (keyed by the silo address, placed on that silo): subscribes to the control stream to keep the
/// silo-local model and policy cache current, and flushes the silo's episode counters.
/// </summary>
[Alias("sd.ISiloAgentGrain")]
public interface ISiloAgentGrain : IGrainWithStringKey
{
    [Alias("Start")]
    Task<bool> StartAsync();

    [Alias("GetServing")]
    Task<SiloServingView> GetServingAsync(string taskId);

    [Alias("Flush")]
    Task FlushAsync();
}
