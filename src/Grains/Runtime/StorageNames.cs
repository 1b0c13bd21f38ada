namespace SelfDissonance.Runtime;

/// <summary>Grain storage providers: control-plane state (tasks, registry, policy, learner) and episode records.</summary>
public static class StorageNames
{
    public const string Control = "sd-control";
    public const string Episodes = "sd-episodes";
    public const string PubSub = "PubSubStore";
}
