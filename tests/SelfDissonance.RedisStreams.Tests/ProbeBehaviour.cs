namespace SelfDissonance.RedisStreams.Tests;

/// <summary>What the probe consumer does with an event.</summary>
[GenerateSerializer]
public enum ProbeBehaviour
{
    /// <summary>Process it at once.</summary>
    Normal,

    /// <summary>Throw from OnNextAsync every time.</summary>
    Throw,

    /// <summary>Wait inside OnNextAsync until the test opens the event's gate.</summary>
    WaitForGate,

    /// <summary>Wait for the gate only on <see cref="ProbeLedger.BlockedSilo"/>; process at once elsewhere.</summary>
    StallOnBlockedSilo,
}
