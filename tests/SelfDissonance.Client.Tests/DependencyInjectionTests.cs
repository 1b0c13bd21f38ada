using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using static SelfDissonance.Testing.Api;

namespace SelfDissonance.Client.Tests;

public sealed class DependencyInjectionTests(SdkFixture fixture)
{
    [Fact]
    public async Task The_client_resolves_from_configuration_and_talks_to_the_gateway()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["SelfDissonance:Client:BaseAddress"] = fixture.Host.BaseAddress.ToString(),
            ["SelfDissonance:Client:ApiKey"] = fixture.Host.AdminKey,
            ["SelfDissonance:Client:MaxRetries"] = "5",
            ["SelfDissonance:Client:Timeout"] = "00:00:45",
        }).Build();
        var services = new ServiceCollection();
        services.AddSelfDissonanceClient(configuration.GetSection(SelfDissonanceClientOptions.SectionName));
        await using var provider = services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true, ValidateScopes = true });

        provider.GetRequiredService<IStartupValidator>().Validate();
        var options = provider.GetRequiredService<IOptions<SelfDissonanceClientOptions>>().Value;
        Assert.Equal(5, options.MaxRetries);
        Assert.Equal(TimeSpan.FromSeconds(45), options.Timeout);
        Assert.Equal(TimeSpan.FromMilliseconds(200), options.RetryBaseDelay);

        var client = provider.GetRequiredService<ISelfDissonanceClient>();
        Assert.IsType<SelfDissonanceHttpClient>(client);
        Assert.True((await client.GetHealthAsync(Ct)).IsHealthy);
        Assert.NotNull((await client.ListTasksAsync(Ct)).Tasks);
    }

    [Fact]
    public async Task The_default_section_of_the_host_configuration_is_used()
    {
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?> { ["SelfDissonance:Client:BaseAddress"] = fixture.Host.BaseAddress.ToString() });
        builder.Services.AddSelfDissonanceClient();
        using var host = builder.Build();
        await host.StartAsync(Ct);
        Assert.True((await host.Services.GetRequiredService<ISelfDissonanceClient>().GetReadinessAsync(Ct)).IsHealthy);
        await host.StopAsync(Ct);
    }

    [Fact]
    public async Task A_missing_BaseAddress_fails_at_start_with_a_clear_message()
    {
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?> { ["SelfDissonance:Client:MaxRetries"] = "2" });
        builder.Services.AddSelfDissonanceClient(builder.Configuration.GetSection(SelfDissonanceClientOptions.SectionName));
        using var host = builder.Build();
        var e = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync(Ct));
        Assert.Contains("SelfDissonance:Client:BaseAddress is required", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Out_of_range_and_relative_settings_fail_validation()
    {
        var services = new ServiceCollection();
        services.AddSelfDissonanceClient(o =>
        {
            o.BaseAddress = new Uri("/relative", UriKind.Relative);
            o.MaxRetries = 11;
        });
        using var provider = services.BuildServiceProvider();
        var e = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IStartupValidator>().Validate());
        Assert.Contains("MaxRetries must be between 0 and 10", e.Message, StringComparison.Ordinal);
        Assert.Contains("absolute http or https", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_api_key_is_redacted()
    {
        var options = new SelfDissonanceClientOptions { BaseAddress = new Uri("http://127.0.0.1:5080"), ApiKey = "top-secret" };
        var text = options.ToString();
        Assert.DoesNotContain("top-secret", text, StringComparison.Ordinal);
        Assert.Contains("ApiKey=***", text, StringComparison.Ordinal);
        Assert.Contains("BaseAddress=http://127.0.0.1:5080", text, StringComparison.Ordinal);
    }
}
