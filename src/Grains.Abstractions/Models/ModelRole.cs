namespace SelfDissonance.Models;

/// <summary>The two model lineages of a task.</summary>
[GenerateSerializer]
public enum ModelRole
{
    Proposer = 0,
    Critic = 1,
}
