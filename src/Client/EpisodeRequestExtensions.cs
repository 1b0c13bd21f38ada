using SelfDissonance.Client.Contracts;

namespace SelfDissonance.Client;

/// <summary>Client-side idempotency keys for episodes.</summary>
public static class EpisodeRequestExtensions
{
    /// <summary>The prefix of client-generated episode ids.</summary>
    public const string ClientIdPrefix = "c-";

    /// <summary>A new client-generated episode id: <c>c-</c> and a GUID without dashes.</summary>
    /// <returns>The id.</returns>
    public static string NewClientId() => ClientIdPrefix + Guid.NewGuid().ToString("N");

    /// <summary>
    /// The request itself when it has an id, otherwise a copy with a client-generated one. Keep the result to send the
    /// same episode again (say after a crash): the service answers the stored episode instead of running it twice.
    /// </summary>
    /// <param name="request">The episode.</param>
    /// <returns>An episode with an id.</returns>
    public static EpisodeRequest WithClientId(this EpisodeRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        return request.Id is null ? request with { Id = NewClientId() } : request;
    }
}
