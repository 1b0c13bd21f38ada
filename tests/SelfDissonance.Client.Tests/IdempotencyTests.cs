using System.Net;
using SelfDissonance.Client.Contracts;
using SelfDissonance.Testing;
using static SelfDissonance.Testing.Api;

namespace SelfDissonance.Client.Tests;

/// <summary>Client-generated episode ids make retries safe against the real gateway.</summary>
public sealed class IdempotencyTests(SdkFixture fixture)
{
    private static readonly Dictionary<string, double> Point = new() { ["x"] = 0.5, ["y"] = 0.25 };

    private async Task ReadyAsync(string id)
    {
        var data = TwoMoons.Generate(300, 5);
        await fixture.Client.CreateTaskAsync(new CreateTaskRequest(id, TwoMoons.Features, TwoMoons.Classes), Ct);
        await fixture.Client.BootstrapAsync(id, new BootstrapRequest([.. data[..200].Select(Row)], [.. data[200..].Select(Row)]), Ct);
    }

    [Fact]
    public async Task An_episode_without_id_gets_a_new_client_id_per_call()
    {
        await ReadyAsync("sdk-ids");
        var request = new EpisodeRequest(Point);
        var a = await fixture.Client.RunEpisodeAsync("sdk-ids", request, Ct);
        var b = await fixture.Client.RunEpisodeAsync("sdk-ids", request, Ct);

        Assert.Matches("^c-[0-9a-f]{32}$", a.Id);
        Assert.NotEqual(a.Id, b.Id);
        Assert.False(a.Replayed);
        Assert.False(b.Replayed);
        Assert.Null(request.Id); // the caller's record is not changed
        Assert.Equal(a.Id, (await fixture.Client.GetEpisodeAsync(a.Id, Ct)).Id);
    }

    [Fact]
    public async Task Without_retries_no_id_is_made_up_and_the_gateway_assigns_one()
    {
        await ReadyAsync("sdk-noretry");
        var options = fixture.Options;
        options.MaxRetries = 0;
        using var http = new HttpClient();
        var client = new SelfDissonanceHttpClient(http, options);

        var a = await client.RunEpisodeAsync("sdk-noretry", new EpisodeRequest(Point, "upper"), Ct);

        // A gateway id (no "c-" prefix): the episode ran on the runner path, and it is stored like any other.
        Assert.Matches("^[0-9a-f]{32}$", a.Id);
        Assert.False(a.Replayed);
        var stored = await fixture.Client.GetEpisodeAsync(a.Id, Ct);
        Assert.Equal(a.Prediction.Label, stored.Prediction!.Label);
        Assert.Equal("upper", stored.Label);
    }

    [Fact]
    public async Task Sending_the_same_prepared_request_again_is_replayed()
    {
        await ReadyAsync("sdk-replay");
        var request = new EpisodeRequest(Point, "upper").WithClientId();
        var first = await fixture.Client.RunEpisodeAsync("sdk-replay", request, Ct);
        var second = await fixture.Client.RunEpisodeAsync("sdk-replay", request, Ct);

        Assert.Equal(request.Id, first.Id);
        Assert.False(first.Replayed);
        Assert.True(second.Replayed);
        Assert.Equal(first.Prediction.Label, second.Prediction.Label);
        Assert.Equal(first.Dissonance, second.Dissonance);
    }

    [Fact]
    public async Task A_lost_answer_is_retried_with_the_same_generated_id_and_replayed()
    {
        await ReadyAsync("sdk-lost");
        using var handler = new LoseFirstAnswerHandler(new SocketsHttpHandler());
        using var http = new HttpClient(handler);
        var options = fixture.Options;
        options.RetryBaseDelay = TimeSpan.FromMilliseconds(10);
        var client = new SelfDissonanceHttpClient(http, options);

        var answer = await client.RunEpisodeAsync("sdk-lost", new EpisodeRequest(Point, "lower"), Ct);

        // The first send ran the episode on the server; its answer was lost (a 502 instead). The retry sent the same id.
        Assert.Equal(2, handler.Sends);
        Assert.Equal(handler.FirstBody, handler.LastBody);
        Assert.StartsWith("c-", answer.Id, StringComparison.Ordinal);
        Assert.True(answer.Replayed);
        var metrics = await fixture.Client.GetMetricsAsync("sdk-lost", Ct);
        Assert.Equal(1, metrics.Episodes);
    }

    /// <summary>Forwards every request to the real gateway but throws away the first answer, as a proxy that lost it would.</summary>
    private sealed class LoseFirstAnswerHandler(HttpMessageHandler inner) : DelegatingHandler(inner)
    {
        public int Sends { get; private set; }

        public string? FirstBody { get; private set; }

        public string? LastBody { get; private set; }

        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            Sends++;
            LastBody = request.Content is null ? null : await request.Content.ReadAsStringAsync(cancellationToken);
            FirstBody ??= LastBody;
            var response = await base.SendAsync(request, cancellationToken);
            if (Sends > 1)
            {
                return response;
            }

            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            response.Dispose();
            return new HttpResponseMessage(HttpStatusCode.BadGateway) { RequestMessage = request, Content = new StringContent("lost") };
        }
    }
}
