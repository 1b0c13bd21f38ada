using SelfDissonance.Client.Contracts;

namespace SelfDissonance.Cli.Tests;

public sealed class EpisodeCommandTests(CliFixture fixture)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Episode_delete_erases_once_and_a_second_delete_is_refused()
    {
        const string Task = "cli-erase";
        await fixture.CreateBootstrappedAsync(Task, "minBatch=1000000", "maxDissonance=1", "dBudgetPerHour=1000000");
        await fixture.Client.RunEpisodeAsync(Task, new EpisodeRequest(new Dictionary<string, double> { ["x"] = 0.5, ["y"] = 0.25 }, "upper", "cli-erase-1"), Ct);

        var erased = (await fixture.RunAsync("episode", "delete", "cli-erase-1", "--json")).Json();
        Assert.Equal("cli-erase-1", erased.GetProperty("id").GetString());
        Assert.Equal(Task, erased.GetProperty("task").GetString());

        var again = await fixture.RunAsync("episode", "delete", "cli-erase-1");
        Assert.Equal(ExitCodes.Refused, again.ExitCode);
        Assert.Contains("episode_not_found", again.Error, StringComparison.Ordinal);
        var missing = await Assert.ThrowsAsync<Client.SelfDissonanceException>(() => fixture.Client.GetEpisodeAsync("cli-erase-1", Ct));
        Assert.Equal("episode_not_found", missing.Reason);
    }
}
