namespace SelfDissonance.Client.Contracts;

/// <summary>One model version with its lineage.</summary>
/// <param name="Role">proposer or critic.</param>
/// <param name="Version">Version number (monotonic per role).</param>
/// <param name="Stage">staging, canary, production, archived, rolled_back or rejected.</param>
/// <param name="GoldenAccuracy">Accuracy on the golden holdout.</param>
/// <param name="LiveAccuracy">Accuracy on labeled episodes it served, if any.</param>
/// <param name="LiveSamples">Labeled episodes it served.</param>
/// <param name="KlFromParent">Mean KL(parent ‖ this) over the reference set.</param>
/// <param name="Rows">Ground-truth rows trained on.</param>
/// <param name="PseudoRows">Pseudo-labeled rows trained on.</param>
/// <param name="Lambda">Lambda when trained.</param>
/// <param name="Trainer">Model setting (family and hyper-parameters); a mixture names its members and weights.</param>
/// <param name="Sha256">SHA-256 of the artifact.</param>
/// <param name="Bytes">Artifact size.</param>
/// <param name="Parent">Version it replaced.</param>
/// <param name="Cycle">Learning cycle that produced it (0: bootstrap).</param>
/// <param name="Created">When it was registered.</param>
/// <param name="Step">The retrained model's weight in this version (1: all of it; below 1: a trust-region mixture).</param>
/// <param name="Members">Models a prediction runs.</param>
/// <param name="CvAccuracy">The retrained setting's cross-validated accuracy, when known.</param>
public sealed record ModelVersionResponse(
    string Role,
    int Version,
    string Stage,
    double GoldenAccuracy,
    double? LiveAccuracy,
    long LiveSamples,
    double? KlFromParent,
    int Rows,
    int PseudoRows,
    double Lambda,
    string Trainer,
    string Sha256,
    long Bytes,
    int? Parent,
    long Cycle,
    DateTimeOffset Created,
    double Step,
    int Members,
    double? CvAccuracy);

/// <summary>A production change.</summary>
/// <param name="Revision">Serving revision it created.</param>
/// <param name="At">When.</param>
/// <param name="Action">promoted, canary_started, canary_promoted, canary_rejected, rolled_back or auto_rolled_back.</param>
/// <param name="From">Previous production version.</param>
/// <param name="To">New version.</param>
/// <param name="By">Who: learner, auto, or the API caller.</param>
/// <param name="Reason">Why.</param>
public sealed record ProductionChangeResponse(long Revision, DateTimeOffset At, string Action, int? From, int To, string By, string Reason);

/// <summary>Versions and history of one role.</summary>
/// <param name="Production">Production version.</param>
/// <param name="Canary">Canary version.</param>
/// <param name="Versions">Every version, oldest first.</param>
/// <param name="History">Production history, oldest first.</param>
/// <param name="ErasedSinceProduction">Episodes erased after production was trained on them: above 0, production needs retraining (cleared by the next promotion).</param>
public sealed record RoleModelsResponse(int? Production, int? Canary, IReadOnlyList<ModelVersionResponse> Versions, IReadOnlyList<ProductionChangeResponse> History, int ErasedSinceProduction);

/// <summary>Answer to <c>GET /v1/tasks/{task}/models</c>.</summary>
/// <param name="Proposer">Proposer versions.</param>
/// <param name="Critic">Critic versions.</param>
public sealed record ModelsResponse(RoleModelsResponse Proposer, RoleModelsResponse Critic);

/// <summary>Answer to a rollback.</summary>
/// <param name="Role">Role rolled back.</param>
/// <param name="From">Version that was production.</param>
/// <param name="Production">The version now in production.</param>
public sealed record RollbackResponse(string Role, int From, ModelVersionResponse Production);
