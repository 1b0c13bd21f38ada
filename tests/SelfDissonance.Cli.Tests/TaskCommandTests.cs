using System.Text.Json;

namespace SelfDissonance.Cli.Tests;

public sealed class TaskCommandTests(CliFixture fixture)
{
    [Fact]
    public async Task Task_create_show_and_list_round_trip_as_json()
    {
        var created = (await fixture.RunAsync("--json", "task", "create", "cli-task", "--features", "x,y", "--classes", "upper,lower", "--policy", "minBatch=32", "klEps=0.5")).Json();
        Assert.Equal("cli-task", created.GetProperty("id").GetString());
        Assert.Equal(["x", "y"], created.GetProperty("features").EnumerateArray().Select(f => f.GetString()));
        Assert.Equal(["upper", "lower"], created.GetProperty("classes").EnumerateArray().Select(c => c.GetString()));
        Assert.Equal(32, created.GetProperty("policy").GetProperty("minBatch").GetInt32());
        Assert.Equal(0.5, created.GetProperty("policy").GetProperty("klEps").GetDouble());
        Assert.False(created.GetProperty("bootstrapped").GetBoolean());

        var shown = (await fixture.RunAsync("task", "show", "cli-task", "--json")).Json();
        Assert.Equal("cli-task", shown.GetProperty("id").GetString());
        Assert.Equal(32, shown.GetProperty("policy").GetProperty("minBatch").GetInt32());
        Assert.Equal(JsonValueKind.Null, shown.GetProperty("production").GetProperty("proposer").ValueKind);

        var list = (await fixture.RunAsync("task", "list", "--json")).Json();
        Assert.Contains("cli-task", list.GetProperty("tasks").EnumerateArray().Select(t => t.GetString()));

        // Human output: a table naming the features, and the task among the listed ids.
        var table = await fixture.RunAsync("task", "show", "cli-task");
        Assert.Equal(ExitCodes.Ok, table.ExitCode);
        Assert.Contains("x, y", table.Out, StringComparison.Ordinal);
        Assert.Contains("minBatch", table.Out, StringComparison.Ordinal);
        Assert.Contains("cli-task", (await fixture.RunAsync("task", "list")).Out, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Creating_a_task_twice_is_refused_with_its_reason()
    {
        Assert.Equal(ExitCodes.Ok, (await fixture.RunAsync("task", "create", "cli-twice", "--features", "a", "--classes", "p,q")).ExitCode);

        var again = await fixture.RunAsync("task", "create", "cli-twice", "--features", "a", "--classes", "p,q");

        Assert.Equal(ExitCodes.Refused, again.ExitCode);
        Assert.StartsWith("error: ", again.Error, StringComparison.Ordinal);
        Assert.Contains("(task_exists)", again.Error, StringComparison.Ordinal);
        Assert.Equal("", again.Out);
    }
}
