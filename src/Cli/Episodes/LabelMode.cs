namespace SelfDissonance.Cli.Episodes;

/// <summary>How a row's label reaches the service.</summary>
internal enum LabelMode
{
    /// <summary>No label column: unlabeled episodes, no accuracy.</summary>
    None,

    /// <summary>The label goes with the episode request.</summary>
    WithEpisode,

    /// <summary>The episode runs unlabeled, then the label is sent as feedback (a late label).</summary>
    Feedback,
}
