namespace SelfDissonance.Cli.Tests;

public sealed class PolicyCommandTests(CliFixture fixture)
{
    [Fact]
    public async Task Policy_set_then_get_shows_the_values()
    {
        Assert.Equal(ExitCodes.Ok, (await fixture.RunAsync("task", "create", "cli-policy", "--features", "x,y", "--classes", "upper,lower")).ExitCode);

        var set = (await fixture.RunAsync("policy", "set", "cli-policy", "minBatch=16", "klEps=0.25", "dBudgetPerHour=500", "--reason", "cli test", "--json")).Json();
        Assert.Equal(16, set.GetProperty("minBatch").GetInt32());

        var got = (await fixture.RunAsync("policy", "get", "cli-policy", "--json")).Json();
        Assert.Equal(16, got.GetProperty("minBatch").GetInt32());
        Assert.Equal(0.25, got.GetProperty("klEps").GetDouble());
        Assert.Equal(500, got.GetProperty("dBudgetPerHour").GetInt32());
        Assert.Equal(0.12, got.GetProperty("dTarget").GetDouble());
        Assert.Equal(2, got.GetProperty("revision").GetInt64());
        var history = await fixture.Client.GetPolicyHistoryAsync("cli-policy", TestContext.Current.CancellationToken);
        Assert.Equal("cli test", history[^1].Reason);

        var table = await fixture.RunAsync("policy", "get", "cli-policy");
        Assert.Matches(@"minBatch\s*│\s*16", table.Out);
    }

    [Fact]
    public async Task Out_of_range_values_are_refused_by_the_service_with_each_field()
    {
        Assert.Equal(ExitCodes.Ok, (await fixture.RunAsync("task", "create", "cli-policy-bad", "--features", "x", "--classes", "a,b")).ExitCode);

        var result = await fixture.RunAsync("policy", "set", "cli-policy-bad", "klEps=20", "minBatch=0");

        Assert.Equal(ExitCodes.Refused, result.ExitCode);
        Assert.Contains("(invalid_policy)", result.Error, StringComparison.Ordinal);
        Assert.Contains("  klEps:", result.Error, StringComparison.Ordinal);
        Assert.Contains("  minBatch:", result.Error, StringComparison.Ordinal);
        Assert.Equal(64, (await fixture.Client.GetPolicyAsync("cli-policy-bad", TestContext.Current.CancellationToken)).MinBatch);
    }

    [Theory]
    [InlineData("mnBatch=3", "not a policy field")]
    [InlineData("minBatch=1.5", "whole number")]
    [InlineData("klEps=lots", "must be a number")]
    [InlineData("klEps", "name=value")]
    public async Task Bad_assignments_are_usage_errors(string assignment, string message)
    {
        var result = await fixture.RunAsync("policy", "set", "cli-policy-any", assignment);

        Assert.Equal(ExitCodes.Usage, result.ExitCode);
        Assert.Contains(message, result.Error, StringComparison.Ordinal);
    }
}
