using Microsoft.AspNetCore.Authorization;

namespace SelfDissonance.Silo.Security;

/// <summary>
/// The caller holds <see cref="Scope"/>, and may use the task: the route's {task}, a <see cref="TaskResource"/> an
/// endpoint checks, or (with <see cref="EveryTask"/>) any task at all.
/// </summary>
public sealed record ScopeRequirement(string Scope, bool EveryTask) : IAuthorizationRequirement;

/// <summary>A task an endpoint found out only from the request (a body, an episode's record).</summary>
public sealed record TaskResource(string TaskId);

/// <summary>Why a requirement failed, as the reason code of the 403.</summary>
public sealed class AccessFailure(IAuthorizationHandler handler, string reason, string message) : AuthorizationFailureReason(handler, message)
{
    public string Reason { get; } = reason;
}

public sealed class ScopeAuthorizationHandler : AuthorizationHandler<ScopeRequirement>
{
    protected override Task HandleRequirementAsync(AuthorizationHandlerContext context, ScopeRequirement requirement)
    {
        var user = context.User;
        if (!SecurityClaims.HasScope(user, requirement.Scope))
        {
            context.Fail(new AccessFailure(this, ReasonCodes.InsufficientScope, $"This needs the '{requirement.Scope}' scope."));
            return Task.CompletedTask;
        }

        if (SecurityClaims.TasksOf(user) is { } tasks)
        {
            var task = context.Resource switch
            {
                TaskResource r => r.TaskId,
                HttpContext http => http.GetRouteValue("task") as string,
                _ => null,
            };
            if (requirement.EveryTask)
            {
                context.Fail(new AccessFailure(this, ReasonCodes.TaskForbidden, "This needs a key that is not limited to tasks."));
                return Task.CompletedTask;
            }

            if (task is not null && !tasks.Contains(task))
            {
                context.Fail(new AccessFailure(this, ReasonCodes.TaskForbidden, $"The key may not use task '{Ids.Printable(task)}'."));
                return Task.CompletedTask;
            }
        }

        context.Succeed(requirement);
        return Task.CompletedTask;
    }
}
