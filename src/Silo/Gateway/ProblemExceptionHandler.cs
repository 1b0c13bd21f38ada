using Microsoft.AspNetCore.Diagnostics;
using SelfDissonance.Models;

namespace SelfDissonance.Silo.Gateway;

/// <summary>Every failure leaves the gateway as problem+json with a reason code; unexpected ones are logged and say nothing internal.</summary>
public sealed partial class ProblemExceptionHandler(ILogger<ProblemExceptionHandler> logger) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext context, Exception exception, CancellationToken cancellationToken)
    {
        switch (exception)
        {
            case DomainException e:
                await Problems.WriteAsync(context, e);
                return true;
            case BadHttpRequestException { StatusCode: StatusCodes.Status413PayloadTooLarge }:
                await Problems.WriteAsync(context, 413, ReasonCodes.PayloadTooLarge, "The request body is too large.", "See the route's body limit in the README (SelfDissonance:Gateway).");
                return true;
            case BadHttpRequestException bad:
                await Problems.WriteAsync(context, bad.StatusCode, ReasonCodes.InvalidBody, "The request could not be read.", bad.Message);
                return true;
            case ArtifactIntegrityException integrity:
                LogIntegrity(logger, integrity.Key);
                await Problems.WriteAsync(context, 503, ReasonCodes.ArtifactIntegrity, "A model artifact failed its integrity check and is not served.", $"Artifact '{integrity.Key}' was refused.");
                return true;
            case ArtifactStoreUnavailableException:
                await Problems.WriteAsync(context, 503, ReasonCodes.StoreUnavailable, "The model store is unavailable.", "Serving continues with cached models; retry this operation later.");
                return true;
            case OperationCanceledException when context.RequestAborted.IsCancellationRequested:
                return true;
            case OrleansMessageRejectionException or SiloUnavailableException:
                // A silo died and membership has not caught up yet; another attempt lands on a live silo.
                context.Response.Headers.RetryAfter = "1";
                await Problems.WriteAsync(context, 503, ReasonCodes.ClusterUnavailable, "Part of the cluster is unavailable.", "Retry shortly; episodes with an id are idempotent.");
                return true;
            case TimeoutException:
                await Problems.WriteAsync(context, 503, ReasonCodes.ModelUnavailable, "The cluster did not answer in time.", "Retry; episodes with an id are idempotent.");
                return true;
            default:
                LogUnhandled(logger, exception, context.Request.Method, context.Request.Path);
                await Problems.WriteAsync(context, 500, ReasonCodes.InternalError, "Unexpected error.", "The error was logged with this trace id.");
                return true;
        }
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Unhandled error on {Method} {Path}")]
    private static partial void LogUnhandled(ILogger logger, Exception exception, string method, string path);

    [LoggerMessage(Level = LogLevel.Error, Message = "Refused artifact {Key}: integrity check failed")]
    private static partial void LogIntegrity(ILogger logger, string key);
}
