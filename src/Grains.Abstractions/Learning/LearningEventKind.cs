namespace SelfDissonance.Learning;

[GenerateSerializer]
public enum LearningEventKind
{
    /// <summary>A gate-allowed episode (with or without a label).</summary>
    Episode = 0,

    /// <summary>A late label for an earlier gate-allowed episode.</summary>
    Feedback = 1,
}
