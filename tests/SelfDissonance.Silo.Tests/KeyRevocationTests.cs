using System.Diagnostics;
using System.Net;
using SelfDissonance.Silo.Security;
using SelfDissonance.Testing;
using static SelfDissonance.Testing.Api;

namespace SelfDissonance.Silo.Tests;

/// <summary>A revoked key stops working at once although silos cache validated keys (the cluster case: ClusterKeyRevocationTests).</summary>
public sealed class KeyRevocationTests(GatewayFixture fixture)
{
    [Fact]
    public async Task A_cached_key_is_refused_within_a_second_of_its_revocation()
    {
        var created = await fixture.Http.CreateKeyAsync("short-lived", [ApiScopes.Read]);
        using var client = fixture.Host.CreateClient(created.Key);
        // Validated once: from now on this silo answers from its cache (30 s by default).
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/v1/tasks", Ct)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/v1/tasks", Ct)).StatusCode);

        var revoked = await (await fixture.Http.DeleteAsync($"/v1/keys/{created.Details.Id}", Ct)).ReadAsync<KeyResponse>();
        var clock = Stopwatch.StartNew();
        Assert.NotNull(revoked.RevokedAt);
        Assert.Equal("key:admin", revoked.RevokedBy);
        await Eventually.ReturnsAsync(() => client.GetAsync("/v1/tasks", Ct), r => r.StatusCode == HttpStatusCode.Unauthorized, TimeSpan.FromSeconds(2), "the revoked key being refused");
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(2), $"refused after {clock.Elapsed}");
        await (await client.GetAsync("/v1/tasks", Ct)).ProblemAsync(HttpStatusCode.Unauthorized, ReasonCodes.InvalidApiKey);

        // Kept, marked revoked, for the audit trail.
        var keys = await (await fixture.Http.GetAsync("/v1/keys", Ct)).ReadAsync<KeyListResponse>();
        Assert.NotNull(Assert.Single(keys.Keys, k => k.Id == created.Details.Id).RevokedAt);
    }

    [Fact]
    public async Task Keys_survive_a_restart_and_a_generated_admin_key_is_written_once_to_a_private_file()
    {
        // No SD_ADMIN_KEY: the silo generates one.
        await using var host = new GatewayHost(new() { ["SD_ADMIN_KEY"] = "" });
        await host.StartAsync();
        var file = Path.Combine(host.DataDirectory, "admin.key");
        Assert.True(File.Exists(file));
        if (!OperatingSystem.IsWindows())
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(file));
        }

        var generated = (await File.ReadAllTextAsync(file, Ct)).Trim();
        using var admin = host.CreateClient(generated);
        var created = await admin.CreateKeyAsync("persistent", [ApiScopes.Read]);

        await host.RestartAsync();

        Assert.Equal(generated, (await File.ReadAllTextAsync(file, Ct)).Trim());
        using var adminAgain = host.CreateClient(generated);
        using var keyAgain = host.CreateClient(created.Key);
        Assert.Equal(HttpStatusCode.OK, (await adminAgain.GetAsync("/v1/keys", Ct)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await keyAgain.GetAsync("/v1/tasks", Ct)).StatusCode);
    }
}
