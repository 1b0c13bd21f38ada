using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Text;
using OpenTelemetry.Trace;
using SelfDissonance.Client.Contracts;
using SelfDissonance.Testing;
using static SelfDissonance.Testing.Api;

namespace SelfDissonance.Silo.Tests;

/// <summary>
/// One trace per episode, collected by OpenTelemetry's in-memory exporter on a real gateway silo: the gateway request,
/// the episode grain call, proposer, critic and gate, the stream hop to the learner, and the learning cycle linked to it.
/// </summary>
public sealed class TracingTests : IAsyncLifetime
{
    private readonly ConcurrentQueue<Activity> _spans = new();
    private readonly GatewayHost _host;

    public TracingTests()
    {
        var exported = new SpanSink(_spans);
        _host = new GatewayHost(
            new() { ["SelfDissonance:Telemetry:Tracing"] = "true", ["SelfDissonance:Learning:CycleInterval"] = "00:10:00" },
            b => b.Services.ConfigureOpenTelemetryTracerProvider(t => t.AddInMemoryExporter(exported)));
    }

    public ValueTask InitializeAsync() => new(_host.StartAsync());

    public ValueTask DisposeAsync() => _host.DisposeAsync();

    [Fact]
    public async Task One_trace_follows_an_episode_from_the_gateway_through_the_grains_and_the_stream_to_the_learning_cycle()
    {
        const string task = "traced";
        var http = _host.Http;
        var data = TwoMoons.Generate(300, seed: 61);
        await http.CreateTwoMoonsTaskAsync(task);
        await http.BootstrapAsync(task, data[..150], data[150..250]);

        // Each episode starts its own trace at the caller (a W3C traceparent header), as an instrumented client would.
        var traced = new List<(ActivityTraceId Trace, EpisodeResponse Episode)>();
        foreach (var example in data[250..270])
        {
            var trace = ActivityTraceId.CreateRandom();
            using var request = new HttpRequestMessage(HttpMethod.Post, $"/v1/tasks/{task}/episodes")
            {
                Content = System.Net.Http.Json.JsonContent.Create(new EpisodeRequest(Features(example), TwoMoons.Classes[example.Label]), options: Json),
            };
            request.Headers.Add("traceparent", $"00-{trace}-{ActivitySpanId.CreateRandom()}-01");
            traced.Add((trace, await (await http.SendAsync(request, Ct)).ReadAsync<EpisodeResponse>()));
        }

        var (traceId, episode) = traced.First(t => t.Episode.Gate.Allowed);
        var ingest = await Eventually.ReturnsAsync(
            () => Task.FromResult(Spans(traceId).FirstOrDefault(s => s.DisplayName == "learner ingest")),
            s => s is not null,
            TimeSpan.FromSeconds(20),
            "the learner's span in the episode's trace");

        var spans = Spans(traceId);
        var gateway = Assert.Single(spans, s => s.Kind == ActivityKind.Server && s.Source.Name == "Microsoft.AspNetCore");
        Assert.Equal($"POST /v1/tasks/{{task}}/episodes", gateway.DisplayName);
        // A request without an id runs in the episode runner (the gateway made the id; no activation per episode).
        var grainCall = Assert.Single(spans, s => s.Kind == ActivityKind.Server && s.DisplayName.Contains("IEpisodeRunnerGrain", StringComparison.Ordinal) && s.DisplayName.EndsWith("RunNewAsync", StringComparison.Ordinal));
        var episodeSpan = Assert.Single(spans, s => s.DisplayName == "episode" && s.Source.Name == "SelfDissonance");
        Assert.Equal(episode.Id, episodeSpan.GetTagItem("sd.episode"));
        Assert.Equal(true, episodeSpan.GetTagItem("sd.gate.allowed"));
        Assert.Equal(episodeSpan.SpanId, ingest!.ParentSpanId);
        Assert.True(IsAncestor(spans, gateway, grainCall), "the grain call runs under the gateway request");
        Assert.True(IsAncestor(spans, grainCall, episodeSpan), "the episode span runs in the grain call");
        foreach (var call in new[] { "ProposerGrain", "CriticGrain", "SafetyGateGrain" })
        {
            var span = Assert.Single(spans, s => s.Kind == ActivityKind.Server && s.DisplayName.Contains(call, StringComparison.Ordinal));
            Assert.True(IsAncestor(spans, episodeSpan, span), $"{call} is called from the episode span");
        }

        // The cycle that trains on them is its own trace, linked to each learnable episode's learner span.
        var learnable = traced.Where(t => t.Episode.Gate.Allowed).Select(t => t.Trace).ToHashSet();
        await Eventually.TrueAsync(
            () => _spans.Count(s => s.DisplayName == "learner ingest" && learnable.Contains(s.TraceId)) == learnable.Count,
            TimeSpan.FromSeconds(20),
            "every learnable episode reaching the learner");
        // The label-noise guard holds back labels that contradict both models with confidence: not trained on, not linked.
        var trained = _spans.Where(s => s.DisplayName == "learner ingest" && learnable.Contains(s.TraceId) && s.GetTagItem("sd.quarantined") is null).Select(s => s.TraceId).ToHashSet();
        var trainedOn = _spans.First(s => s.DisplayName == "learner ingest" && trained.Contains(s.TraceId));
        (await http.PostAsync($"/v1/tasks/{task}/learn", new { })).EnsureSuccessStatusCode();
        var cycle = await Eventually.ReturnsAsync(
            () => Task.FromResult(_spans.FirstOrDefault(s => s.DisplayName == "learning cycle" && s.Links.Any(l => l.Context.SpanId == trainedOn.SpanId))),
            s => s is not null,
            TimeSpan.FromSeconds(30),
            "a learning cycle linked to the episode");
        Assert.NotEqual(traceId, cycle!.TraceId);
        Assert.Equal(task, cycle.GetTagItem("sd.task"));
        Assert.Equal(trained, cycle.Links.Select(l => l.Context.TraceId).Where(learnable.Contains).ToHashSet());
        Assert.True(trained.Count >= learnable.Count / 2, $"only {trained.Count} of {learnable.Count} learnable episodes trained on");

        var text = Describe(spans.Append(cycle).ToList(), gateway);
        TestContext.Current.SendDiagnosticMessage(text);
        Report.Write("trace-of-one-episode.txt", text);
    }

    private List<Activity> Spans(ActivityTraceId trace) => [.. _spans.Where(s => s.TraceId == trace)];

    private static bool IsAncestor(List<Activity> spans, Activity ancestor, Activity span)
    {
        var byId = spans.ToDictionary(s => s.SpanId);
        for (var parent = span.ParentSpanId; byId.TryGetValue(parent, out var p); parent = p.ParentSpanId)
        {
            if (p.SpanId == ancestor.SpanId)
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>The trace as an indented tree with durations: what the closing note quotes.</summary>
    private static string Describe(List<Activity> spans, Activity root)
    {
        var text = new StringBuilder();
        Write(root, 0);
        foreach (var cycle in spans.Where(s => s.DisplayName == "learning cycle"))
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"linked: {cycle.DisplayName} ({cycle.Source.Name}) {cycle.Duration.TotalMilliseconds:F2} ms, {cycle.Links.Count()} links");
        }

        return text.ToString();

        void Write(Activity span, int depth)
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"{new string(' ', depth * 2)}{span.DisplayName} ({span.Source.Name}, {span.Kind}) {span.Duration.TotalMilliseconds:F3} ms");
            foreach (var child in spans.Where(s => s.ParentSpanId == span.SpanId && s.TraceId == span.TraceId).OrderBy(s => s.StartTimeUtc))
            {
                Write(child, depth + 1);
            }
        }
    }

    /// <summary>The in-memory exporter's collection, thread-safe: spans end on many threads.</summary>
    private sealed class SpanSink(ConcurrentQueue<Activity> spans) : ICollection<Activity>
    {
        public int Count => spans.Count;

        public bool IsReadOnly => false;

        public void Add(Activity item) => spans.Enqueue(item);

        public void Clear() => spans.Clear();

        public bool Contains(Activity item) => spans.Contains(item);

        public void CopyTo(Activity[] array, int arrayIndex) => spans.CopyTo(array, arrayIndex);

        public bool Remove(Activity item) => throw new NotSupportedException();

        public IEnumerator<Activity> GetEnumerator() => spans.GetEnumerator();

        System.Collections.IEnumerator System.Collections.IEnumerable.GetEnumerator() => GetEnumerator();
    }
}
