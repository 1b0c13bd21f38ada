using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Options;

namespace SelfDissonance.Silo.Gateway;

/// <summary>Endpoint metadata: this route accepts bodies up to a larger limit than the default.</summary>
public sealed record BodyLimit(long Bytes);

public static class BodyLimitMiddleware
{
    /// <summary>Applies the route's body limit (or the default 1 MiB) before anything reads the body.</summary>
    public static IApplicationBuilder UseBodyLimits(this IApplicationBuilder app) => app.Use(async (context, next) =>
    {
        var feature = context.Features.Get<IHttpMaxRequestBodySizeFeature>();
        if (feature is { IsReadOnly: false })
        {
            var options = context.RequestServices.GetRequiredService<IOptions<GatewayOptions>>().Value;
            feature.MaxRequestBodySize = context.GetEndpoint()?.Metadata.GetMetadata<BodyLimit>()?.Bytes ?? options.MaxBodyBytes;
        }

        await next(context);
    });
}
