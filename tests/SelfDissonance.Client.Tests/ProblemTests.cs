using SelfDissonance.Client.Contracts;
using SelfDissonance.Testing;
using static SelfDissonance.Testing.Api;

namespace SelfDissonance.Client.Tests;

/// <summary>problem+json answers of the real gateway become <see cref="SelfDissonanceException"/> with their parts.</summary>
public sealed class ProblemTests(SdkFixture fixture)
{
    private ISelfDissonanceClient Sd { get; set; } = fixture.Client;

    private async Task<string> ReadyTaskAsync(string id)
    {
        id = $"{id}-{(Sd == fixture.Client ? SdkFixture.Http : SdkFixture.Cluster)}";
        var data = TwoMoons.Generate(300, 3);
        await Sd.CreateTaskAsync(new CreateTaskRequest(id, TwoMoons.Features, TwoMoons.Classes), Ct);
        var bootstrap = await Sd.BootstrapAsync(id, new BootstrapRequest([.. data[..200].Select(Row)], [.. data[200..].Select(Row)]), Ct);
        Assert.Equal(200, bootstrap.TrainingRows);
        Assert.Equal(100, bootstrap.GoldenRows);
        return id;
    }

    [Theory]
    [MemberData(nameof(SdkFixture.Transports), MemberType = typeof(SdkFixture))]
    public async Task A_missing_feature_is_400_missing_feature_naming_the_field(string transport)
    {
        Sd = fixture.For(transport);
        var task = await ReadyTaskAsync("sdk-missing-feature");
        var e = await Assert.ThrowsAsync<SelfDissonanceException>(() =>
            Sd.RunEpisodeAsync(task, new EpisodeRequest(new Dictionary<string, double> { ["x"] = 1 }), Ct));
        Assert.Equal(400, e.Status);
        Assert.Equal("missing_feature", e.Reason);
        Assert.Equal("The request lacks features of this task.", e.Title);
        Assert.Contains("y", e.Detail, StringComparison.Ordinal);
        Assert.Contains(e.Errors, f => f.Field == "features.y" && f.Message == "Missing.");
        Assert.Contains("missing_feature", e.Message, StringComparison.Ordinal);
        if (transport == SdkFixture.Http)
        {
            Assert.False(string.IsNullOrEmpty(e.TraceId));
            Assert.Null(e.InnerException);
        }
        else
        {
            Assert.IsType<DomainException>(e.InnerException);
        }
    }

    [Theory]
    [MemberData(nameof(SdkFixture.Transports), MemberType = typeof(SdkFixture))]
    public async Task An_unknown_task_is_404_task_not_found(string transport)
    {
        Sd = fixture.For(transport);
        var e = await Assert.ThrowsAsync<SelfDissonanceException>(() => Sd.GetTaskAsync("sdk-no-such-task", Ct));
        Assert.Equal(404, e.Status);
        Assert.Equal("task_not_found", e.Reason);
        Assert.Empty(e.Errors);
    }

    [Theory]
    [MemberData(nameof(SdkFixture.Transports), MemberType = typeof(SdkFixture))]
    public async Task An_out_of_range_policy_is_400_invalid_policy_with_the_allowed_range(string transport)
    {
        Sd = fixture.For(transport);
        var task = await ReadyTaskAsync("sdk-bad-policy");
        var e = await Assert.ThrowsAsync<SelfDissonanceException>(() => Sd.UpdatePolicyAsync(task, new PolicyUpdate { MinBatch = 0 }, cancellationToken: Ct));
        Assert.Equal(400, e.Status);
        Assert.Equal("invalid_policy", e.Reason);
        var field = Assert.Single(e.Errors, f => f.Field == "minBatch");
        Assert.False(string.IsNullOrEmpty(field.Allowed));
        Assert.Equal(64, (await Sd.GetPolicyAsync(task, Ct)).MinBatch);
    }

    [Theory]
    [MemberData(nameof(SdkFixture.Transports), MemberType = typeof(SdkFixture))]
    public async Task Conflicts_and_bad_roles_keep_their_reason_codes(string transport)
    {
        Sd = fixture.For(transport);
        var task = await ReadyTaskAsync("sdk-conflicts");
        var exists = await Assert.ThrowsAsync<SelfDissonanceException>(() => Sd.CreateTaskAsync(new CreateTaskRequest(task, TwoMoons.Features, TwoMoons.Classes), Ct));
        Assert.Equal((409, "task_exists"), (exists.Status, exists.Reason));

        var role = await Assert.ThrowsAsync<SelfDissonanceException>(() => Sd.RollbackAsync(task, "judge", cancellationToken: Ct));
        Assert.Equal((400, "invalid_role"), (role.Status, role.Reason));
        Assert.Contains(role.Errors, f => f.Field == "role" && f.Allowed == "proposer, critic");

        var previous = await Assert.ThrowsAsync<SelfDissonanceException>(() => Sd.RollbackAsync(task, "proposer", cancellationToken: Ct));
        Assert.Equal((409, "no_previous_version"), (previous.Status, previous.Reason));

        var episode = await Assert.ThrowsAsync<SelfDissonanceException>(() => Sd.GetEpisodeAsync("sdk-never-ran", Ct));
        Assert.Equal((404, "episode_not_found"), (episode.Status, episode.Reason));
    }
}
