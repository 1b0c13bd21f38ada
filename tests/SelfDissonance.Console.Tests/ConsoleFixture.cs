using System.Net.Http.Headers;
using SelfDissonance.Client.Contracts;
using SelfDissonance.Tasks;
using SelfDissonance.Testing;

namespace SelfDissonance.Console.Tests;

/// <summary>
/// A real gateway silo with one task that has something to show: bootstrapped from the shipped CSV, a few hundred
/// labeled episodes (some blocked by the gate), a learning cycle, and more traffic on the version it promoted.
/// </summary>
public sealed class ConsoleFixture : IAsyncLifetime
{
    public const string TaskId = "console-moons";

    // The tests compare what the API says with what the page shows a moment later: the learner's timer must not promote
    // in between (the fixture runs its one cycle explicitly).
    public GatewayHost Host { get; } = new(new() { ["SelfDissonance:Learning:CycleInterval"] = "00:10:00" });

    public HttpClient Http => Host.Http;

    /// <summary>
    /// A page as a signed-in person opens it: the sign-in page with the admin key in its fragment (never sent to the
    /// server) signs in, which sets the cookie, then goes on to <paramref name="pathAndQuery"/>.
    /// </summary>
    public Uri Url(string pathAndQuery) =>
        new(Host.BaseAddress, $"/login/?returnUrl={Uri.EscapeDataString(pathAndQuery)}#key={Uri.EscapeDataString(Host.AdminKey)}");

    /// <summary>A page opened without signing in.</summary>
    public Uri AnonymousUrl(string pathAndQuery) => new(Host.BaseAddress, pathAndQuery);

    public async ValueTask InitializeAsync()
    {
        await Host.StartAsync();
        var ct = TestContext.Current.CancellationToken;
        // A small budget and far-away inputs make the gate block unlabeled episodes for two reasons (labeled ones are
        // ground truth and never blocked); no auto cycles compete with learn.
        await Http.CreateTwoMoonsTaskAsync(TaskId, new PolicyUpdate { DBudgetPerHour = 10, GoldenTolerance = 1, KlEps = 10, MinBatch = 1_000_000 });
        var csv = new ByteArrayContent(await File.ReadAllBytesAsync(Path.Combine(RepoPaths.Root, "samples", "data", "two-moons.csv"), ct));
        csv.Headers.ContentType = new MediaTypeHeaderValue("text/csv");
        (await Http.PostAsync($"/v1/tasks/{TaskId}/bootstrap", csv, ct)).EnsureSuccessStatusCode();

        var data = TwoMoons.Generate(400, seed: 41);
        await RunEpisodesAsync(data[..300], ct);
        for (var i = 0; i < 5; i++)
        {
            await PostEpisodeAsync(new EpisodeRequest(new Dictionary<string, double> { ["x"] = 40 + i, ["y"] = -30 }), ct);
        }

        var learnable = (await Http.MetricsAsync(TaskId)).Learnable;
        await Eventually.ReturnsAsync(() => Http.MetricsAsync(TaskId), m => m.Learner.EventsConsumed >= learnable, TimeSpan.FromSeconds(30), "the learner consuming every learnable episode");
        (await Http.PostAsync($"/v1/tasks/{TaskId}/learn", null, ct)).EnsureSuccessStatusCode();
        await RunEpisodesAsync(data[300..], ct);

        // Silos flush their episode counters on a timer; let the last ones land before a page reads them.
        await Task.Delay(TimeSpan.FromSeconds(1), ct);
    }

    public ValueTask DisposeAsync() => Host.DisposeAsync();

    private async Task RunEpisodesAsync(IEnumerable<LabeledExample> examples, CancellationToken ct)
    {
        // Every other episode carries its label: live accuracy has labels, the budget has unlabeled episodes to limit.
        var i = 0;
        foreach (var example in examples)
        {
            var row = Api.Row(example);
            await PostEpisodeAsync(new EpisodeRequest(row.Features, i++ % 2 == 0 ? row.Label : null), ct);
        }
    }

    private async Task PostEpisodeAsync(EpisodeRequest episode, CancellationToken ct) =>
        (await Http.PostAsync($"/v1/tasks/{TaskId}/episodes", episode)).EnsureSuccessStatusCode();
}
