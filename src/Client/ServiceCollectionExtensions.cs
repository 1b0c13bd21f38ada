using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace SelfDissonance.Client;

/// <summary>
/// Registers <see cref="ISelfDissonanceClient"/>: over HTTP as a typed client of <see cref="IHttpClientFactory"/>, or over
/// the application's Orleans cluster client.
/// </summary>
public static class ServiceCollectionExtensions
{
    /// <summary>
    /// Registers the client with options bound from the <see cref="SelfDissonanceClientOptions.SectionName"/> section
    /// of the application's configuration, validated at start.
    /// </summary>
    /// <param name="services">The services.</param>
    /// <returns>The HTTP client builder, to add handlers or configure the primary handler.</returns>
    public static IHttpClientBuilder AddSelfDissonanceClient(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.AddOptions<SelfDissonanceClientOptions>()
            .BindConfiguration(SelfDissonanceClientOptions.SectionName)
            .ValidateDataAnnotations()
            .ValidateOnStart();
        return AddTypedClient(services);
    }

    /// <summary>Registers the client with options bound from <paramref name="configuration"/> (a section such as <c>SelfDissonance:Client</c>), validated at start.</summary>
    /// <param name="services">The services.</param>
    /// <param name="configuration">The section holding BaseAddress, ApiKey, Timeout, MaxRetries and RetryBaseDelay.</param>
    /// <returns>The HTTP client builder, to add handlers or configure the primary handler.</returns>
    public static IHttpClientBuilder AddSelfDissonanceClient(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configuration);
        services.AddOptions<SelfDissonanceClientOptions>()
            .Bind(configuration)
            .ValidateDataAnnotations()
            .ValidateOnStart();
        return AddTypedClient(services);
    }

    /// <summary>Registers the client with options set in code, validated at start.</summary>
    /// <param name="services">The services.</param>
    /// <param name="configure">Sets the options; <see cref="SelfDissonanceClientOptions.BaseAddress"/> is required.</param>
    /// <returns>The HTTP client builder, to add handlers or configure the primary handler.</returns>
    public static IHttpClientBuilder AddSelfDissonanceClient(this IServiceCollection services, Action<SelfDissonanceClientOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configure);
        services.AddOptions<SelfDissonanceClientOptions>()
            .Configure(configure)
            .ValidateDataAnnotations()
            .ValidateOnStart();
        return AddTypedClient(services);
    }

    /// <summary>
    /// Registers <see cref="SelfDissonanceClusterClient"/> as the <see cref="ISelfDissonanceClient"/>, over the
    /// <see cref="IClusterClient"/> the application registers (<c>UseOrleansClient</c>, with
    /// <see cref="ClientBuilderExtensions.AddSelfDissonanceEvents"/> for live events). Options are bound from
    /// <see cref="SelfDissonanceClusterClientOptions.SectionName"/> and validated at start.
    /// </summary>
    /// <param name="services">The services.</param>
    /// <returns>The services.</returns>
    public static IServiceCollection AddSelfDissonanceClusterClient(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.AddOptions<SelfDissonanceClusterClientOptions>()
            .BindConfiguration(SelfDissonanceClusterClientOptions.SectionName)
            .ValidateDataAnnotations()
            .ValidateOnStart();
        services.AddSingleton<ISelfDissonanceClient>(sp => new SelfDissonanceClusterClient(
            sp.GetRequiredService<IClusterClient>(),
            sp.GetRequiredService<IOptions<SelfDissonanceClusterClientOptions>>().Value));
        return services;
    }

    private static IHttpClientBuilder AddTypedClient(IServiceCollection services) =>
        // The client enforces its own per-attempt timeout; HttpClient's would cut a call with retries short.
        services.AddHttpClient<ISelfDissonanceClient, SelfDissonanceHttpClient>((sp, http) =>
        {
            var options = sp.GetRequiredService<IOptions<SelfDissonanceClientOptions>>().Value;
            http.BaseAddress = options.BaseAddress;
            http.Timeout = Timeout.InfiniteTimeSpan;
        });
}
