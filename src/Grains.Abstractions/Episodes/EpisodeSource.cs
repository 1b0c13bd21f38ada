namespace SelfDissonance.Episodes;

[GenerateSerializer]
public enum EpisodeSource
{
    /// <summary>Answered synchronously (HTTP episodes route or SDK RunAsync).</summary>
    Sync = 0,

    /// <summary>Submitted through the durable queue path (episodes:batch).</summary>
    Queue = 1,
}
