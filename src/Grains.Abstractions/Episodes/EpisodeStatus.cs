namespace SelfDissonance.Episodes;

/// <summary>The episode state machine: Received → Proposed → Criticized → Gated → Completed.</summary>
[GenerateSerializer]
public enum EpisodeStatus
{
    None = 0,
    Received = 1,
    Proposed = 2,
    Criticized = 3,
    Gated = 4,
    Completed = 5,

    /// <summary>A queued episode that could not run (for example its task was never bootstrapped); see the record's error.</summary>
    Failed = 6,
}
