using System.Globalization;
using System.Net;
using SelfDissonance.Silo.Hosting;
using SelfDissonance.Silo.Security;
using SelfDissonance.Testing;
using static SelfDissonance.Testing.Api;

namespace SelfDissonance.Silo.Tests;

/// <summary>--insecure-dev turns keys off for loopback callers only, and the silo refuses it on any other address.</summary>
public sealed class InsecureDevTests
{
    [Theory]
    [InlineData("http://0.0.0.0:{0}")]
    [InlineData("http://*:{0}")]
    [InlineData("http://192.168.1.10:{0}")]
    [InlineData("http://127.0.0.1:{0};http://[::]:{0}")]
    public void The_switch_is_refused_on_a_non_loopback_address(string urls)
    {
        var bound = string.Format(CultureInfo.InvariantCulture, urls, FreePort.Next());

        var e = Assert.Throws<InvalidOperationException>(() => SiloApp.Build([SecurityApp.InsecureDevSwitch, "--urls", bound]));

        Assert.Contains("loopback", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task On_loopback_the_switch_lets_requests_without_a_key_in_and_wrong_keys_are_still_refused()
    {
        await using var host = new GatewayHost(new() { ["SelfDissonance:Security:InsecureDev"] = "true" });
        await host.StartAsync();
        using var anonymous = host.CreateClient(null);
        Assert.Equal(HttpStatusCode.Created, (await anonymous.PostJsonAsync("/v1/tasks", """{"id":"dev","features":["x"],"classes":["a","b"]}""")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await anonymous.GetAsync("/v1/tasks/dev", Ct)).StatusCode);
        using var wrong = host.CreateClient("not-the-key-at-all");
        await (await wrong.GetAsync("/v1/tasks", Ct)).ProblemAsync(HttpStatusCode.Unauthorized, ReasonCodes.InvalidApiKey);
    }
}
