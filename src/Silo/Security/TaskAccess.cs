using Microsoft.AspNetCore.Authorization;

namespace SelfDissonance.Silo.Security;

/// <summary>
/// Task checks for routes whose task is not in the path (a new task's id in the body, an episode's task): the same
/// policy as the route, evaluated on the task as a resource.
/// </summary>
public static class TaskAccess
{
    public static async Task RequireAsync(HttpContext context, string taskId, string scope)
    {
        if (SecurityClaims.TasksOf(context.User) is null)
        {
            return;
        }

        var authorization = context.RequestServices.GetRequiredService<IAuthorizationService>();
        var result = await authorization.AuthorizeAsync(context.User, new TaskResource(taskId), ApiScopes.Policy(scope));
        if (!result.Succeeded)
        {
            throw new DomainException(ReasonCodes.TaskForbidden, StatusCodes.Status403Forbidden, "The key may not do this.", $"The key may not use task '{Ids.Printable(taskId)}'.");
        }
    }

    public static bool IsLimited(HttpContext context) => SecurityClaims.TasksOf(context.User) is not null;

    public static bool MayUse(HttpContext context, string taskId) => SecurityClaims.MayUseTask(context.User, taskId);
}
