using SelfDissonance.Client.Cluster;

namespace SelfDissonance.Silo.Gateway;

internal static class GatewayResults
{
    public static IResult Json<T>(T value, int status = StatusCodes.Status200OK) => Results.Json(value, GatewayJson.Responses, "application/json", status);

    public static string TaskId(string task) => GrainApi.TaskId(task);

    /// <summary>Who made a change, for histories: "key:{id}", "jwt:{subject}" (see <see cref="Security.SecurityClaims.Who"/>).</summary>
    public static string Caller(HttpContext context) => Security.SecurityClaims.Who(context.User);

    public static string? Reason(HttpContext context) => context.Request.Query["reason"].FirstOrDefault();
}
