using SelfDissonance.Samples.Quickstart;
using SelfDissonance.Testing;
using static SelfDissonance.Testing.Api;

namespace SelfDissonance.Client.Tests;

/// <summary>The runnable sample under samples/Quickstart, over each transport.</summary>
public sealed class SampleTests(SdkFixture fixture)
{
    [Theory]
    [MemberData(nameof(SdkFixture.Transports), MemberType = typeof(SdkFixture))]
    public async Task The_quickstart_trains_from_csv_streams_episodes_and_sees_live_events(string transport)
    {
        var output = new StringWriter();
        var csv = Path.Combine(RepoPaths.Root, "samples", "data", "two-moons.csv");
        var summary = await Quickstart.RunAsync(fixture.For(transport), csv, output, Ct);

        Assert.Equal(400, summary.Episodes);
        Assert.True(summary.Correct > 320, $"accuracy {summary.Correct}/400 on two moons");
        // The watch starts alongside the stream, so its first few episodes may precede the subscription.
        Assert.True(summary.EventsSeen >= 300, $"{summary.EventsSeen} live events");
        Assert.True(summary.ProductionVersion >= 1);
        var text = output.ToString();
        Assert.Contains("golden accuracy", text, StringComparison.Ordinal);
        // 400 labeled episodes at minBatch 32 run learning cycles; whether one promotes depends on the golden gate.
        Assert.Contains("  cycle ", text, StringComparison.Ordinal);
        Assert.Contains("done: 400 episodes", text, StringComparison.Ordinal);
    }
}
