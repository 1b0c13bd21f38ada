namespace SelfDissonance.Runtime;

/// <summary>Stream provider and namespaces. Keys: learning = task id; episode requests = episode id; control = <see cref="ControlKey"/>.</summary>
public static class StreamNames
{
    /// <summary>Queue-path and learning streams: implicit subscriptions only, so no pub-sub state per stream.</summary>
    public const string Provider = "sd";

    /// <summary>The control stream's provider: explicit subscriptions (one per silo agent), kept in PubSubStore.</summary>
    public const string ControlProvider = "sd-control";

    /// <summary>Learnable episodes and feedback, per task; the learner subscribes implicitly.</summary>
    public const string Learning = "sd-learning";

    /// <summary>The queue path: one stream per episode id; the episode grain subscribes implicitly.</summary>
    public const string EpisodeRequests = "sd-episode-requests";

    /// <summary>Promotions, rollbacks and policy changes for every task; each silo's agent subscribes.</summary>
    public const string Control = "sd-control";

    public const string ControlKey = "all";

    /// <summary>Live task events (episode outcomes, promotions, rollbacks, cycles) for watchers: explicit subscriptions, best effort, no replay.</summary>
    public const string EventsProvider = "sd-events";

    /// <summary>One stream per task id on <see cref="EventsProvider"/>.</summary>
    public const string TaskEvents = "sd-task-events";
}
