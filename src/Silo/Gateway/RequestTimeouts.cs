using Microsoft.AspNetCore.Http.Timeouts;
using Microsoft.Extensions.Options;

namespace SelfDissonance.Silo.Gateway;

/// <summary>
/// Every request has a deadline (GatewayOptions.RequestTimeout; TrainingRequestTimeout on the routes that train), so a
/// client that sends its body slowly, or a call that hangs, cannot hold a connection and its buffers for ever. Grain
/// calls are bounded by Orleans' own response timeout as well. Live event streams are exempt. A body still arriving
/// at the deadline is the client's doing (408); anything else is the server's (503).
/// </summary>
public static class RequestTimeouts
{
    public const string Training = "training";

    public static IServiceCollection AddGatewayRequestTimeouts(this IServiceCollection services)
    {
        services.AddRequestTimeouts();
        services.AddOptions<RequestTimeoutOptions>().Configure<IOptions<GatewayOptions>>((o, gateway) =>
        {
            o.DefaultPolicy = Policy(gateway.Value.RequestTimeout);
            o.AddPolicy(Training, Policy(gateway.Value.TrainingRequestTimeout));
        });
        return services;
    }

    private static bool SentSlowly(HttpContext context) =>
        context.Request.ContentLength is > 0 || context.Request.Headers.TransferEncoding.Count > 0
            ? !RequestReader.BodyRead(context)
            : false;

    private static RequestTimeoutPolicy Policy(TimeSpan timeout) => new()
    {
        Timeout = timeout,
        TimeoutStatusCode = StatusCodes.Status503ServiceUnavailable,
        WriteTimeoutResponse = context => SentSlowly(context)
            ? Problems.WriteAsync(context, StatusCodes.Status408RequestTimeout, ReasonCodes.RequestTimeout,
                "The request body arrived too slowly.", $"A request, its body included, must arrive within {timeout.TotalSeconds:0.#} s (SelfDissonance:Gateway).")
            : Problems.WriteAsync(context, StatusCodes.Status503ServiceUnavailable, ReasonCodes.RequestTimeout,
                "The request took too long.", $"Requests are limited to {timeout.TotalSeconds:0.#} s (SelfDissonance:Gateway). Episodes with an id can be retried safely."),
    };
}
