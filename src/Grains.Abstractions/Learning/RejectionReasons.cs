namespace SelfDissonance.Learning;

/// <summary>Why a candidate was not promoted.</summary>
public static class RejectionReasons
{
    /// <summary>No step, however small, kept mean KL(old ‖ new) within klEps.</summary>
    public const string KlTrustRegion = "kl_trust_region";

    /// <summary>Golden accuracy below production's minus goldenTolerance.</summary>
    public const string GoldenRegression = "golden_regression";

    /// <summary>Writing the artifact or registering the version failed; retried next cycle.</summary>
    public const string StoreUnavailable = "artifact_store_unavailable";

    /// <summary>The labeled rows hold a single class; a classifier cannot be fitted.</summary>
    public const string SingleClass = "single_class";
}
