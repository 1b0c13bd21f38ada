using SelfDissonance.Testing;

namespace SelfDissonance.Cli.Tests;

public sealed class ModelCommandTests(CliFixture fixture)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Learn_promotes_models_lists_it_and_rollback_needs_confirmation()
    {
        const string Task = "cli-models";
        // Any candidate may be promoted: the commands are under test here, not the learning rules.
        await fixture.CreateBootstrappedAsync(Task, "goldenTolerance=1", "klEps=10", "minBatch=1000000");
        Assert.Equal(ExitCodes.Ok, (await fixture.RunAsync("run", Task, CliFixture.TwoMoonsCsv, "--limit", "150")).ExitCode);
        await Eventually.ReturnsAsync(() => fixture.Client.GetMetricsAsync(Task, Ct), m => m.Learnable > 100 && m.Learner.EventsConsumed >= m.Learnable, TimeSpan.FromSeconds(30), "the learner taking the episodes");

        var learn = (await fixture.RunAsync("learn", Task, "--json")).Json();
        // The gateway's 2 s learning timer may have trained on the rows first; then there is nothing left.
        Assert.Contains(learn.GetProperty("outcome").GetString(), new[] { "promoted", "nothing_to_learn" });
        Assert.True(learn.GetProperty("cycle").GetInt64() >= 1);

        var models = (await fixture.RunAsync("models", Task, "--json")).Json();
        var production = models.GetProperty("proposer").GetProperty("production").GetInt32();
        Assert.True(production >= 2, $"the labeled rows should have promoted a proposer v2: {models}");
        Assert.Equal(production, models.GetProperty("proposer").GetProperty("versions").GetArrayLength());

        var table = await fixture.RunAsync("models", Task);
        Assert.Contains("proposer: production v" + production, table.Out, StringComparison.Ordinal);
        Assert.Contains("critic: production v", table.Out, StringComparison.Ordinal);
        Assert.Contains("production", table.Out, StringComparison.Ordinal);

        // No terminal and no --yes: refused before any request, production unchanged.
        var refused = await fixture.RunAsync("rollback", Task, "proposer");
        Assert.Equal(ExitCodes.Usage, refused.ExitCode);
        Assert.Contains("--yes", refused.Error, StringComparison.Ordinal);
        Assert.Equal(production, (await fixture.Client.ListModelsAsync(Task, Ct)).Proposer.Production);

        // A person answering no at the prompt: nothing changes either.
        var declined = await fixture.RunAsync(Interactive("n\n"), "rollback", Task, "proposer");
        Assert.Equal(ExitCodes.Usage, declined.ExitCode);
        Assert.Contains($"from production v{production}", declined.Error, StringComparison.Ordinal);
        Assert.Equal(production, (await fixture.Client.ListModelsAsync(Task, Ct)).Proposer.Production);

        var rolled = (await fixture.RunAsync("rollback", Task, "proposer", "--yes", "--reason", "cli test", "--json")).Json();
        Assert.Equal(production, rolled.GetProperty("from").GetInt32());
        var now = rolled.GetProperty("production").GetProperty("version").GetInt32();
        Assert.True(now < production);
        var after = await fixture.Client.ListModelsAsync(Task, Ct);
        Assert.Equal(now, after.Proposer.Production);
        Assert.Contains(after.Proposer.History, h => h.Reason == "cli test");
    }

    [Fact]
    public async Task A_confirmed_prompt_rolls_back()
    {
        const string Task = "cli-confirm";
        await fixture.CreateBootstrappedAsync(Task, "goldenTolerance=1", "klEps=10", "minBatch=20");
        Assert.Equal(ExitCodes.Ok, (await fixture.RunAsync("run", Task, CliFixture.TwoMoonsCsv, "--limit", "60")).ExitCode);
        var promoted = await Eventually.ReturnsAsync(() => fixture.Client.ListModelsAsync(Task, Ct), m => m.Proposer.Production >= 2, TimeSpan.FromSeconds(30), "a promotion");

        var result = await fixture.RunAsync(Interactive("yes\n"), "rollback", Task, "proposer");

        Assert.True(result.ExitCode == ExitCodes.Ok, result.ToString());
        Assert.Contains("? [y/N]", result.Error, StringComparison.Ordinal);
        Assert.True((await fixture.Client.ListModelsAsync(Task, Ct)).Proposer.Production < promoted.Proposer.Production);
    }

    [Fact]
    public async Task Rollback_of_an_unknown_role_is_a_parse_error()
    {
        var result = await fixture.RunAsync("rollback", "cli-models", "judge", "--yes");

        Assert.Equal(ExitCodes.Usage, result.ExitCode);
        Assert.Contains("judge", result.Error, StringComparison.Ordinal);
    }

    private static CliEnvironment Interactive(string answer) => new(new StringReader(answer), InputIsTerminal: true, OutputIsTerminal: false, _ => null);
}
