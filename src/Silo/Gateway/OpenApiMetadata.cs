namespace SelfDissonance.Silo.Gateway;

/// <summary>
/// What the OpenAPI document says of a route. Handlers read their bodies through <see cref="RequestReader"/> (strict
/// JSON) and return <see cref="IResult"/>, so request and response types are declared here rather than inferred.
/// Declared request content types also take part in routing: a body of another type is answered 415 before the handler.
/// </summary>
public static class OpenApiMetadata
{
    private static readonly int[] s_problems = [StatusCodes.Status400BadRequest, StatusCodes.Status404NotFound, StatusCodes.Status409Conflict, StatusCodes.Status503ServiceUnavailable];

    public static RouteHandlerBuilder Describe<TResponse>(this RouteHandlerBuilder route, string name, string summary, int status = StatusCodes.Status200OK) =>
        Problems(route.WithName(name).WithSummary(summary).WithTags("v1").Produces<TResponse>(status));

    public static RouteHandlerBuilder Describe<TRequest, TResponse>(this RouteHandlerBuilder route, string name, string summary, int status = StatusCodes.Status200OK)
        where TRequest : notnull =>
        route.Describe<TResponse>(name, summary, status).Accepts<TRequest>("application/json");

    private static RouteHandlerBuilder Problems(RouteHandlerBuilder route)
    {
        foreach (var status in s_problems)
        {
            route.ProducesProblem(status);
        }

        return route;
    }
}
