using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Authorization.Policy;
using SelfDissonance.Silo.Gateway;

namespace SelfDissonance.Silo.Security;

/// <summary>A 403 says which scope or task was missing, as problem+json with a reason code.</summary>
public sealed class ProblemAuthorizationResultHandler : IAuthorizationMiddlewareResultHandler
{
    private readonly AuthorizationMiddlewareResultHandler _default = new();

    public Task HandleAsync(RequestDelegate next, HttpContext context, AuthorizationPolicy policy, PolicyAuthorizationResult authorizeResult)
    {
        if (authorizeResult.Forbidden && authorizeResult.AuthorizationFailure?.FailureReasons.OfType<AccessFailure>().FirstOrDefault() is { } failure)
        {
            return Problems.WriteAsync(context, StatusCodes.Status403Forbidden, failure.Reason, "The key may not do this.", failure.Message);
        }

        return _default.HandleAsync(next, context, policy, authorizeResult);
    }
}
