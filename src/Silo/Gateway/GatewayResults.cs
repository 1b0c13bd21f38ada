namespace SelfDissonance.Silo.Gateway;

internal static class GatewayResults
{
    public static IResult Json<T>(T value, int status = StatusCodes.Status200OK) => Results.Json(value, GatewayJson.Responses, "application/json", status);

    public static string TaskId(string task) => Ids.IsValidTaskId(task)
        ? task
        : throw DomainException.BadRequest(ReasonCodes.InvalidId, "The task id is not valid.", $"'{Ids.Printable(task)}' breaks the rule: {Ids.TaskIdRule}.");

    public static string EpisodeId(string id) => Ids.IsValidEpisodeId(id)
        ? id
        : throw DomainException.InvalidEpisodeId(id);

    /// <summary>Who made a change, for histories. Authentication (issue 5) replaces this with the caller's key name.</summary>
    public static string Caller(HttpContext context) => "api";
}
