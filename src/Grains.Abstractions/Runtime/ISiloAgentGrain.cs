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

    /// <summary>Re-reads a task into this silo's cache now, so a change made through a cluster client is served at once.</summary>
    [Alias("Refresh")]
    Task RefreshAsync(string taskId);
}
