namespace SelfDissonance;

/// <summary>Stable machine-readable reason codes carried by problem details and gate verdicts.</summary>
public static class ReasonCodes
{
    // Request shape (400/404/409/413/415)
    public const string MalformedJson = "malformed_json";
    public const string UnknownField = "unknown_field";
    public const string InvalidBody = "invalid_body";
    public const string InvalidId = "invalid_id";
    public const string InvalidTask = "invalid_task";
    public const string InvalidQuery = "invalid_query";
    public const string MissingFeature = "missing_feature";
    public const string UnknownFeature = "unknown_feature";
    public const string NonFiniteFeature = "non_finite_feature";
    public const string UnknownLabel = "unknown_label";
    public const string InvalidCsv = "invalid_csv";
    public const string InvalidBootstrap = "invalid_bootstrap";
    public const string InvalidGolden = "invalid_golden";
    public const string BatchTooLarge = "batch_too_large";
    public const string PayloadTooLarge = "payload_too_large";
    public const string UnsupportedMediaType = "unsupported_media_type";
    public const string InvalidPolicy = "invalid_policy";
    public const string InvalidRole = "invalid_role";
    public const string TaskNotFound = "task_not_found";
    public const string EpisodeNotFound = "episode_not_found";
    public const string RouteNotFound = "route_not_found";
    public const string TaskExists = "task_exists";
    public const string AlreadyBootstrapped = "already_bootstrapped";
    public const string NotBootstrapped = "task_not_bootstrapped";
    public const string IdempotencyConflict = "idempotency_conflict";
    public const string LabelConflict = "label_conflict";
    public const string NoPreviousVersion = "no_previous_version";
    public const string ArtifactIntegrity = "artifact_integrity_failed";
    public const string ModelUnavailable = "model_unavailable";
    public const string QueueFull = "queue_full";
    public const string StoreUnavailable = "store_unavailable";
    public const string ClusterUnavailable = "cluster_unavailable";
    public const string RequestTimeout = "request_timeout";
    public const string InternalError = "internal_error";

    // Access (401/403/429)
    public const string Unauthenticated = "unauthenticated";
    public const string InvalidApiKey = "invalid_api_key";
    public const string InvalidToken = "invalid_token";
    public const string InsufficientScope = "insufficient_scope";
    public const string TaskForbidden = "task_forbidden";
    public const string RateLimited = "rate_limited";
    public const string KeyNotFound = "key_not_found";
}
