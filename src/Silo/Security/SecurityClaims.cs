using System.Globalization;
using System.Security.Claims;
using SelfDissonance.Security;

namespace SelfDissonance.Silo.Security;

/// <summary>
/// The claims API keys and JWTs share: <c>scope</c> (space-separated), <c>sd_tasks</c> (space-separated task ids; absent
/// means every task) and who the caller is.
/// </summary>
public static class SecurityClaims
{
    public const string Scope = "scope";
    public const string Tasks = "sd_tasks";
    public const string KeyId = "sd_key";
    public const string Permits = "sd_permits";

    public static ClaimsPrincipal ForKey(ApiKeyRecord key, string scheme)
    {
        var claims = new List<Claim>
        {
            new(ClaimTypes.NameIdentifier, "key:" + key.Id),
            new(KeyId, key.Id),
            new(Scope, string.Join(' ', key.Scopes)),
        };
        if (key.Tasks.Length > 0)
        {
            claims.Add(new Claim(Tasks, string.Join(' ', key.Tasks)));
        }

        if (key.PermitsPerSecond is { } permits)
        {
            claims.Add(new Claim(Permits, permits.ToString(CultureInfo.InvariantCulture)));
        }

        return new ClaimsPrincipal(new ClaimsIdentity(claims, scheme, ClaimTypes.NameIdentifier, null));
    }

    /// <summary>Who made a change, for histories and the audit trail: "key:{id}", "jwt:{sub}" or "insecure-dev".</summary>
    public static string Who(ClaimsPrincipal user) =>
        user.FindFirst(ClaimTypes.NameIdentifier)?.Value is { Length: > 0 } id ? id
        : user.FindFirst("sub")?.Value is { Length: > 0 } sub ? "jwt:" + sub
        : "anonymous";

    public static bool HasScope(ClaimsPrincipal user, string scope) =>
        user.FindAll(Scope).Concat(user.FindAll("scp")).Any(c => c.Value.Split(' ', StringSplitOptions.RemoveEmptyEntries).Contains(scope, StringComparer.Ordinal));

    /// <summary>The tasks the caller is limited to, or null for every task.</summary>
    public static IReadOnlySet<string>? TasksOf(ClaimsPrincipal user)
    {
        var claims = user.FindAll(Tasks).ToList();
        return claims.Count == 0 ? null : claims.SelectMany(c => c.Value.Split(' ', StringSplitOptions.RemoveEmptyEntries)).ToHashSet(StringComparer.Ordinal);
    }

    public static bool MayUseTask(ClaimsPrincipal user, string task) => TasksOf(user) is not { } tasks || tasks.Contains(task);
}
