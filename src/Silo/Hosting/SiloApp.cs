using Microsoft.AspNetCore.Diagnostics;
using SelfDissonance.Silo.Telemetry;
using Orleans.Dashboard;
using SelfDissonance.Runtime;
using SelfDissonance.Silo.Gateway;
using SelfDissonance.Silo.Security;

namespace SelfDissonance.Silo.Hosting;

/// <summary>Builds the gateway silo: an Orleans silo, HTTP API v1, health endpoints and the Orleans Dashboard in one process.</summary>
public static class SiloApp
{
    /// <summary>Loopback only, unless the listen address is configured the usual ASP.NET Core way.</summary>
    public const string DefaultUrl = "http://127.0.0.1:5080";

    public static WebApplication Build(string[] args, Action<WebApplicationBuilder>? configure = null)
    {
        args = SecurityApp.ReadSwitches(args, out var insecureDev);
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = args, WebRootPath = TaskConsole.WebRoot });
        configure?.Invoke(builder);
        var configuration = builder.Configuration;
        if (string.IsNullOrEmpty(configuration["urls"]) && string.IsNullOrEmpty(configuration["http_ports"]) && string.IsNullOrEmpty(configuration["https_ports"])
            && !configuration.GetSection("Kestrel:Endpoints").Exists())
        {
            builder.WebHost.UseUrls(DefaultUrl);
        }

        var profile = Profiles.Normalize(configuration[$"{SelfDissonanceOptions.Section}:Profile"]);

        var host = configuration.GetSection(SiloHostOptions.Section).Get<SiloHostOptions>() ?? new SiloHostOptions();
        builder.Services.AddOptions<SiloHostOptions>().BindConfiguration(SiloHostOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = host.ShutdownTimeout);
        builder.Services.AddSingleton<SiloDrain>();
        builder.Services.AddHostedService<GracefulShutdown>();
        if (Profiles.IsCluster(profile))
        {
            var redis = ClusterConnections.From(configuration).Redis;
            builder.Services.AddSingleton<IStoreProbe>(_ => new RedisReadiness(redis));
        }

        var azure = Profiles.IsAzure(profile) ? AzureConnections.From(configuration) : null;
        if (azure is not null)
        {
            builder.Services.AddSingleton<IStoreProbe>(_ => new AzureStorageReadiness(azure));
        }

        builder.UseOrleans(silo =>
        {
            if (Profiles.IsCluster(profile))
            {
                silo.UseClusterMembership(host, ClusterConnections.From(configuration));
            }
            else if (azure is not null)
            {
                silo.UseAzureMembership(host, azure);
            }
            else
            {
                silo.UseLocalhostClustering(host.SiloPort, host.GatewayPort, serviceId: host.ServiceId, clusterId: host.ClusterId);
            }

            silo.UseSelfDissonanceTls(configuration);
            silo.AddSelfDissonance();
            silo.AddDashboard();
        });

        // After the silo: the key store's hosted services call grains at start.
        builder.AddSelfDissonanceSecurity(insecureDev);

        builder.Services.AddOptions<GatewayOptions>().BindConfiguration(GatewayOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        builder.Services.ConfigureHttpJsonOptions(o => GatewayJson.ConfigureResponses(o.SerializerOptions));
        builder.Services.AddProblemDetails();
        builder.Services.AddExceptionHandler<ProblemExceptionHandler>();
        builder.Services.AddGatewayRequestTimeouts();
        builder.Services.AddSiloHealthChecks();
        builder.AddSelfDissonanceObservability(profile);
        builder.Services.AddSingleton<GatewaySchemas>();
        builder.Services.AddSingleton(sp =>
        {
            var gateway = sp.GetRequiredService<Microsoft.Extensions.Options.IOptions<GatewayOptions>>().Value;
            return new Client.Cluster.GrainApi(sp.GetRequiredService<IGrainFactory>(), sp.GetRequiredService<GatewaySchemas>(), gateway.MaxBatch, gateway.MaxPredictRows);
        });
        builder.Services.AddOpenApi("v1", o => o.AddDocumentTransformer((document, _, _) =>
        {
            document.Info.Title = "SelfDissonance API";
            document.Info.Description = "HTTP API v1 of the SelfDissonance gateway silo. Errors are application/problem+json with a stable reason code.";
            return Task.CompletedTask;
        }));

        var app = builder.Build();
        app.UseExceptionHandler();
        app.UseStatusCodePages(WriteStatusProblemAsync);
        app.UseRouting();
        app.UseSelfDissonanceSecurity();
        app.UseTaskConsole();
        app.UseBodyLimits();
        app.UseRequestTimeouts();

        app.MapSiloHealth();
        app.MapPrometheusScrapingEndpoint("/metrics").ExcludeFromDescription().RequireMetricsAuthorization(configuration);
        app.MapConsoleRedirect();
        app.MapOpenApi("/openapi/{documentName}.json").AllowAnonymous();
        app.MapOrleansDashboard(routePrefix: "/dashboard").RequireAuthorization(ApiScopes.ClusterReadPolicy);
        app.MapLoginEndpoints();
        var gateway = app.Services.GetRequiredService<Microsoft.Extensions.Options.IOptions<GatewayOptions>>().Value;
        app.MapGroup("/v1")
            .RequireScopes()
            .MapTaskEndpoints(gateway)
            .MapEpisodeEndpoints()
            .MapModelEndpoints()
            .MapCycleEndpoints()
            .MapPolicyEndpoints()
            .MapTaskMetricsEndpoints()
            .MapEventEndpoints()
            .MapKeyEndpoints()
            .MapAuditEndpoints();
        app.VerifyEndpoints();
        return app;
    }

    /// <summary>Bodiless 404/405/415 from routing become problem+json like every other error.</summary>
    private static Task WriteStatusProblemAsync(StatusCodeContext context)
    {
        var http = context.HttpContext;
        var (reason, title) = http.Response.StatusCode switch
        {
            404 => (ReasonCodes.RouteNotFound, "No such route."),
            405 => (ReasonCodes.RouteNotFound, "Method not allowed on this route."),
            415 => (ReasonCodes.UnsupportedMediaType, "Unsupported content type."),
            413 => (ReasonCodes.PayloadTooLarge, "The request body is too large."),
            _ => (ReasonCodes.InvalidBody, "The request failed."),
        };
        return Problems.WriteAsync(http, http.Response.StatusCode, reason, title, $"{http.Request.Method} {http.Request.Path} — see the API v1 routes in the README.");
    }
}
