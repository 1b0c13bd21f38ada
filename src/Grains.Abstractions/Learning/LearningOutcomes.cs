namespace SelfDissonance.Learning;

public static class LearningOutcomes
{
    public const string Promoted = "promoted";
    public const string Rejected = "rejected";
    public const string NothingToLearn = "nothing_to_learn";

    /// <summary>A promoted candidate that serves a canary share first.</summary>
    public const string Canary = "canary";
}
