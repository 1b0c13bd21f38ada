using System.Collections.Concurrent;
using System.Net;
using System.Text;
using System.Text.Json;
using SelfDissonance.Client.Contracts;
using SelfDissonance.Testing;
using static SelfDissonance.Testing.Api;

namespace SelfDissonance.Silo.Tests;

/// <summary>Inputs tried and 5xx answers seen by <see cref="AdversarialInputTests"/>, written to .data/reports/adversarial.json.</summary>
public sealed class AdversarialTally : IDisposable
{
    private readonly ConcurrentDictionary<string, int> _byStatus = new();
    private int _inputs;
    private int _serverErrors;

    public void Count(HttpStatusCode status, int inputs = 1)
    {
        Interlocked.Add(ref _inputs, inputs);
        _byStatus.AddOrUpdate(((int)status).ToString(System.Globalization.CultureInfo.InvariantCulture), inputs, (_, n) => n + inputs);
        if ((int)status >= 500)
        {
            Interlocked.Add(ref _serverErrors, inputs);
        }
    }

    public int ServerErrors => Volatile.Read(ref _serverErrors);

    public void Dispose() => Report.Write("adversarial", JsonSerializer.Serialize(
        new { inputsTried = _inputs, serverErrors = _serverErrors, byStatus = new SortedDictionary<string, int>(_byStatus) },
        new JsonSerializerOptions { WriteIndented = true }));
}

/// <summary>
/// Hostile input against the real gateway: every case is answered with a clear 4xx problem+json and a reason code (or
/// an explicit gate block) and stores nothing; none is answered 5xx. Counts go to .data/reports/adversarial.json.
/// </summary>
public sealed class AdversarialInputTests(GatewayFixture fixture, AdversarialTally tally) : IClassFixture<AdversarialTally>
{
    private const string TaskId = "adversarial";
    private const string Episodes = $"/v1/tasks/{TaskId}/episodes";

    /// <summary>A request Kestrel refuses before the application sees it: a bare 4xx, no problem document.</summary>
    private const string KestrelRefusal = "(kestrel)";
    private static readonly SemaphoreSlim s_setup = new(1, 1);
    private static bool s_ready;
    private readonly HttpClient _http = fixture.Http;

    /// <summary>A request and the refusal it must get.</summary>
    private sealed record Case(HttpMethod Method, string Path, string? ContentType, string? Body, HttpStatusCode Status, string Reason, string? EpisodeId = null, byte[]? Raw = null);

    private static readonly Dictionary<string, Case> s_cases = BuildCases();

    public static TheoryData<string> Cases() => [.. s_cases.Keys];

    private static Dictionary<string, Case> BuildCases()
    {
        const string json = "application/json";
        var cases = new Dictionary<string, Case>(StringComparer.Ordinal);
        void Episode(string name, string body, HttpStatusCode status, string reason, string? id = null, string contentType = json) =>
            cases[name] = new Case(HttpMethod.Post, Episodes, contentType, body, status, reason, id);

        // Malformed and truncated JSON.
        Episode("malformed: not json", "features=x", HttpStatusCode.BadRequest, ReasonCodes.MalformedJson);
        Episode("truncated: object", """{"id":"adv-t1","features":{"x":1,"y":""", HttpStatusCode.BadRequest, ReasonCodes.MalformedJson, "adv-t1");
        Episode("truncated: string", """{"id":"adv-t2","features":{"x":1,"y":1},"label":"upp""", HttpStatusCode.BadRequest, ReasonCodes.MalformedJson, "adv-t2");
        Episode("truncated: after the value", """{"id":"adv-t3","features":{"x":1,"y":1}""", HttpStatusCode.BadRequest, ReasonCodes.MalformedJson, "adv-t3");
        Episode("trailing garbage", """{"id":"adv-t4","features":{"x":1,"y":1}} {"id":"adv-t5"}""", HttpStatusCode.BadRequest, ReasonCodes.MalformedJson, "adv-t4");
        Episode("trailing comma", """{"id":"adv-t6","features":{"x":1,"y":1},}""", HttpStatusCode.BadRequest, ReasonCodes.MalformedJson, "adv-t6");
        Episode("single quotes", """{'id':'adv-t7','features':{'x':1,'y':1}}""", HttpStatusCode.BadRequest, ReasonCodes.MalformedJson, "adv-t7");
        Episode("empty body", "", HttpStatusCode.BadRequest, ReasonCodes.MalformedJson);
        Episode("null body", "null", HttpStatusCode.BadRequest, ReasonCodes.InvalidBody);
        Episode("array body", """[{"features":{"x":1,"y":1}}]""", HttpStatusCode.BadRequest, ReasonCodes.MalformedJson);
        cases["invalid utf-8"] = new Case(HttpMethod.Post, Episodes, json, "", HttpStatusCode.BadRequest, ReasonCodes.MalformedJson, "adv-u1",
            [.. "{\"id\":\"adv-u1\",\"features\":{\"x\":1,\"y\":1},\"label\":\"up"u8, 0xC3, 0x28, 0xFF, .. "\"}"u8]);

        // Duplicate keys, at the top and inside features.
        Episode("duplicate key: id", """{"id":"adv-d1","id":"adv-d2","features":{"x":1,"y":1}}""", HttpStatusCode.BadRequest, ReasonCodes.MalformedJson, "adv-d1");
        Episode("duplicate key: features", """{"id":"adv-d3","features":{"x":1,"y":1},"features":{"x":9,"y":9}}""", HttpStatusCode.BadRequest, ReasonCodes.MalformedJson, "adv-d3");
        Episode("duplicate key: feature", """{"id":"adv-d4","features":{"x":1,"y":1,"y":5}}""", HttpStatusCode.BadRequest, ReasonCodes.MalformedJson, "adv-d4");
        Episode("duplicate key: label", """{"id":"adv-d5","features":{"x":1,"y":1},"label":"upper","label":"lower"}""", HttpStatusCode.BadRequest, ReasonCodes.MalformedJson, "adv-d5");
        Episode("duplicate key: escaped spelling", """{"id":"adv-d6","features":{"x":1,"\u0078":2,"y":1}}""", HttpStatusCode.BadRequest, ReasonCodes.MalformedJson, "adv-d6");

        // Deep nesting.
        Episode("deep nesting: arrays in a feature", "{\"id\":\"adv-n1\",\"features\":{\"x\":" + new string('[', 5000) + new string(']', 5000) + ",\"y\":1}}", HttpStatusCode.BadRequest, ReasonCodes.MalformedJson, "adv-n1");
        Episode("deep nesting: objects", "{\"id\":\"adv-n2\",\"features\":{\"x\":1,\"y\":1},\"label\":" + string.Concat(Enumerable.Repeat("{\"a\":", 2000)) + "1" + new string('}', 2000) + "}", HttpStatusCode.BadRequest, ReasonCodes.MalformedJson, "adv-n2");
        Episode("deep nesting: bare arrays", new string('[', 100_000) + new string(']', 100_000), HttpStatusCode.BadRequest, ReasonCodes.MalformedJson);

        // Unicode escapes and homoglyphs: names that look like the schema's but are other strings.
        Episode("homoglyph field: Cyrillic a in features", """{"id":"adv-h1","feаtures":{"x":1,"y":1}}""", HttpStatusCode.BadRequest, ReasonCodes.UnknownField, "adv-h1");
        Episode("homoglyph feature: Cyrillic x", """{"id":"adv-h2","features":{"х":1,"y":1}}""", HttpStatusCode.BadRequest, ReasonCodes.UnknownFeature, "adv-h2");
        Episode("escaped homoglyph feature", """{"id":"adv-h3","features":{"\u0445":1,"y":1}}""", HttpStatusCode.BadRequest, ReasonCodes.UnknownFeature, "adv-h3");
        Episode("fullwidth feature", """{"id":"adv-h4","features":{"ｘ":1,"y":1}}""", HttpStatusCode.BadRequest, ReasonCodes.UnknownFeature, "adv-h4");
        Episode("zero-width space in a feature", """{"id":"adv-h5","features":{"x\u200b":1,"y":1}}""", HttpStatusCode.BadRequest, ReasonCodes.UnknownFeature, "adv-h5");
        Episode("NUL in a feature", """{"id":"adv-h6","features":{"x\u0000":1,"y":1}}""", HttpStatusCode.BadRequest, ReasonCodes.UnknownFeature, "adv-h6");
        Episode("lone surrogate in a feature", """{"id":"adv-h7","features":{"\ud800":1,"x":1,"y":1}}""", HttpStatusCode.BadRequest, ReasonCodes.MalformedJson, "adv-h7");
        Episode("right-to-left override in the id", """{"id":"adv-h8\u202e","features":{"x":1,"y":1}}""", HttpStatusCode.BadRequest, ReasonCodes.InvalidId);
        Episode("homoglyph label", """{"id":"adv-h9","features":{"x":1,"y":1},"label":"uppеr"}""", HttpStatusCode.BadRequest, ReasonCodes.UnknownLabel, "adv-h9");
        Episode("combining mark label", """{"id":"adv-h10","features":{"x":1,"y":1},"label":"upper\u0301"}""", HttpStatusCode.BadRequest, ReasonCodes.UnknownLabel, "adv-h10");

        // Prototype-pollution keys and extra fields.
        Episode("__proto__ field", """{"id":"adv-p1","features":{"x":1,"y":1},"__proto__":{"allowed":true}}""", HttpStatusCode.BadRequest, ReasonCodes.UnknownField, "adv-p1");
        Episode("constructor field", """{"id":"adv-p2","features":{"x":1,"y":1},"constructor":{"prototype":{"allowed":true}}}""", HttpStatusCode.BadRequest, ReasonCodes.UnknownField, "adv-p2");
        Episode("__proto__ feature", """{"id":"adv-p3","features":{"x":1,"y":1,"__proto__":1}}""", HttpStatusCode.BadRequest, ReasonCodes.UnknownFeature, "adv-p3");
        Episode("bypass_safety field", """{"id":"adv-p4","features":{"x":1,"y":1},"bypass_safety":true}""", HttpStatusCode.BadRequest, ReasonCodes.UnknownField, "adv-p4");
        Episode("gate field", """{"id":"adv-p5","features":{"x":1,"y":1},"gate":{"allowed":true,"reasons":[]}}""", HttpStatusCode.BadRequest, ReasonCodes.UnknownField, "adv-p5");
        Episode("weight field", """{"id":"adv-p6","features":{"x":1,"y":1},"label":"upper","weight":1000}""", HttpStatusCode.BadRequest, ReasonCodes.UnknownField, "adv-p6");
        Episode("wrong-case field", """{"id":"adv-p7","Features":{"x":1,"y":1}}""", HttpStatusCode.BadRequest, ReasonCodes.UnknownField, "adv-p7");

        // Numbers: non-finite, out of float range, and other types where numbers belong.
        Episode("NaN literal", """{"id":"adv-f1","features":{"x":NaN,"y":1}}""", HttpStatusCode.BadRequest, ReasonCodes.MalformedJson, "adv-f1");
        Episode("NaN string", """{"id":"adv-f2","features":{"x":"NaN","y":1}}""", HttpStatusCode.BadRequest, ReasonCodes.MalformedJson, "adv-f2");
        Episode("Infinity literal", """{"id":"adv-f3","features":{"x":Infinity,"y":1}}""", HttpStatusCode.BadRequest, ReasonCodes.MalformedJson, "adv-f3");
        Episode("-Infinity string", """{"id":"adv-f4","features":{"x":"-Infinity","y":1}}""", HttpStatusCode.BadRequest, ReasonCodes.MalformedJson, "adv-f4");
        Episode("1e308", """{"id":"adv-f5","features":{"x":1e308,"y":1}}""", HttpStatusCode.BadRequest, ReasonCodes.NonFiniteFeature, "adv-f5");
        Episode("-1e308", """{"id":"adv-f6","features":{"x":1,"y":-1e308}}""", HttpStatusCode.BadRequest, ReasonCodes.NonFiniteFeature, "adv-f6");
        Episode("1e999", """{"id":"adv-f7","features":{"x":1e999,"y":1}}""", HttpStatusCode.BadRequest, ReasonCodes.NonFiniteFeature, "adv-f7");
        Episode("number as string", """{"id":"adv-f8","features":{"x":"1","y":1}}""", HttpStatusCode.BadRequest, ReasonCodes.MalformedJson, "adv-f8");
        Episode("boolean as number", """{"id":"adv-f9","features":{"x":true,"y":1}}""", HttpStatusCode.BadRequest, ReasonCodes.MalformedJson, "adv-f9");
        Episode("null as number", """{"id":"adv-f10","features":{"x":null,"y":1}}""", HttpStatusCode.BadRequest, ReasonCodes.MalformedJson, "adv-f10");
        Episode("array as number", """{"id":"adv-f11","features":{"x":[1],"y":1}}""", HttpStatusCode.BadRequest, ReasonCodes.MalformedJson, "adv-f11");
        Episode("object as number", """{"id":"adv-f12","features":{"x":{"v":1},"y":1}}""", HttpStatusCode.BadRequest, ReasonCodes.MalformedJson, "adv-f12");
        Episode("hex number", """{"id":"adv-f13","features":{"x":0x10,"y":1}}""", HttpStatusCode.BadRequest, ReasonCodes.MalformedJson, "adv-f13");
        Episode("leading plus", """{"id":"adv-f14","features":{"x":+1,"y":1}}""", HttpStatusCode.BadRequest, ReasonCodes.MalformedJson, "adv-f14");
        Episode("features as array", """{"id":"adv-f15","features":[1,1]}""", HttpStatusCode.BadRequest, ReasonCodes.MalformedJson, "adv-f15");
        Episode("number as id", """{"id":42,"features":{"x":1,"y":1}}""", HttpStatusCode.BadRequest, ReasonCodes.MalformedJson);
        Episode("number as label", """{"id":"adv-f16","features":{"x":1,"y":1},"label":0}""", HttpStatusCode.BadRequest, ReasonCodes.MalformedJson, "adv-f16");

        // Labels outside the task's classes.
        Episode("unknown label", """{"id":"adv-l1","features":{"x":1,"y":1},"label":"sideways"}""", HttpStatusCode.BadRequest, ReasonCodes.UnknownLabel, "adv-l1");
        Episode("wrong-case label", """{"id":"adv-l2","features":{"x":1,"y":1},"label":"UPPER"}""", HttpStatusCode.BadRequest, ReasonCodes.UnknownLabel, "adv-l2");
        Episode("label with a trailing space", """{"id":"adv-l3","features":{"x":1,"y":1},"label":"upper "}""", HttpStatusCode.BadRequest, ReasonCodes.UnknownLabel, "adv-l3");
        Episode("empty label", """{"id":"adv-l4","features":{"x":1,"y":1},"label":""}""", HttpStatusCode.BadRequest, ReasonCodes.UnknownLabel, "adv-l4");
        Episode("label index", """{"id":"adv-l5","features":{"x":1,"y":1},"label":"0"}""", HttpStatusCode.BadRequest, ReasonCodes.UnknownLabel, "adv-l5");
        Episode("huge label", "{\"id\":\"adv-l6\",\"features\":{\"x\":1,\"y\":1},\"label\":\"" + new string('u', 500_000) + "\"}", HttpStatusCode.BadRequest, ReasonCodes.UnknownLabel, "adv-l6");

        // Many features, path traversal and odd ids in the body.
        Episode("10 000 unknown features", "{\"id\":\"adv-m1\",\"features\":{" + string.Join(",", Enumerable.Range(0, 10_000).Select(i => $"\"f{i}\":1")) + ",\"x\":1,\"y\":1}}", HttpStatusCode.BadRequest, ReasonCodes.UnknownFeature, "adv-m1");
        Episode("id: ../../etc/passwd", """{"id":"../../etc/passwd","features":{"x":1,"y":1}}""", HttpStatusCode.BadRequest, ReasonCodes.InvalidId);
        Episode("id: a/../b", """{"id":"a/../b","features":{"x":1,"y":1}}""", HttpStatusCode.BadRequest, ReasonCodes.InvalidId);
        Episode("id: backslashes", """{"id":"..\\..\\windows","features":{"x":1,"y":1}}""", HttpStatusCode.BadRequest, ReasonCodes.InvalidId);
        Episode("id: dot-dot inside", """{"id":"a..b","features":{"x":1,"y":1}}""", HttpStatusCode.BadRequest, ReasonCodes.InvalidId);
        Episode("id: percent-encoded", """{"id":"%2e%2e%2fetc","features":{"x":1,"y":1}}""", HttpStatusCode.BadRequest, ReasonCodes.InvalidId);
        Episode("id: NUL", """{"id":"adv\u0000x","features":{"x":1,"y":1}}""", HttpStatusCode.BadRequest, ReasonCodes.InvalidId);
        Episode("id: 10 000 characters", "{\"id\":\"" + new string('a', 10_000) + "\",\"features\":{\"x\":1,\"y\":1}}", HttpStatusCode.BadRequest, ReasonCodes.InvalidId);
        Episode("id: empty", """{"id":"","features":{"x":1,"y":1}}""", HttpStatusCode.BadRequest, ReasonCodes.InvalidId);

        // Sizes.
        Episode("10 MB body", "{\"id\":\"adv-s1\",\"features\":{\"x\":1,\"y\":1},\"label\":\"" + new string('a', 10 << 20) + "\"}", HttpStatusCode.RequestEntityTooLarge, ReasonCodes.PayloadTooLarge, "adv-s1");
        cases["100k-row batch"] = new Case(HttpMethod.Post, $"{Episodes}:batch", json, "[" + string.Join(",", Enumerable.Repeat("""{"features":{"x":1,"y":1}}""", 100_000)) + "]", HttpStatusCode.RequestEntityTooLarge, ReasonCodes.PayloadTooLarge);
        cases["1001-row batch"] = new Case(HttpMethod.Post, $"{Episodes}:batch", json, "[" + string.Join(",", Enumerable.Repeat("{\"features\":{\"x\":1,\"y\":1}}", 1001)) + "]", HttpStatusCode.BadRequest, ReasonCodes.BatchTooLarge);
        cases["100k-row predict"] = new Case(HttpMethod.Post, $"/v1/tasks/{TaskId}/predict", json, "[" + string.Join(",", Enumerable.Repeat("""{"features":{"x":1,"y":1}}""", 100_000)) + "]", HttpStatusCode.RequestEntityTooLarge, ReasonCodes.PayloadTooLarge);
        cases["10 MB feedback"] = new Case(HttpMethod.Post, "/v1/episodes/adv-s2/feedback", json, "{\"label\":\"" + new string('a', 10 << 20) + "\"}", HttpStatusCode.RequestEntityTooLarge, ReasonCodes.PayloadTooLarge);
        cases["40 MB bootstrap csv"] = new Case(HttpMethod.Post, $"/v1/tasks/{TaskId}/bootstrap", "text/csv", "x,y,label,split\n" + string.Concat(Enumerable.Repeat("0.5,0.5,upper,train\n", 2_200_000)), HttpStatusCode.RequestEntityTooLarge, ReasonCodes.PayloadTooLarge);

        cases["bootstrap csv: 1.1 million rows"] = new Case(HttpMethod.Post, $"/v1/tasks/{TaskId}/bootstrap", "text/csv", "x,y,label,split\n" + string.Concat(Enumerable.Repeat("0,0,upper,train\n", 1_100_000)), HttpStatusCode.BadRequest, ReasonCodes.BatchTooLarge);
        cases["task: 2000 features"] = new Case(HttpMethod.Post, "/v1/tasks", json, "{\"id\":\"adv-wide\",\"features\":[" + string.Join(",", Enumerable.Range(0, 2000).Select(i => $"\"f{i}\"")) + "],\"classes\":[\"a\",\"b\"]}", HttpStatusCode.BadRequest, ReasonCodes.InvalidTask);
        cases["task: 500 classes"] = new Case(HttpMethod.Post, "/v1/tasks", json, "{\"id\":\"adv-many\",\"features\":[\"x\"],\"classes\":[" + string.Join(",", Enumerable.Range(0, 500).Select(i => $"\"c{i}\"")) + "]}", HttpStatusCode.BadRequest, ReasonCodes.InvalidTask);

        // Content types.
        Episode("content type: text/plain", """{"id":"adv-c1","features":{"x":1,"y":1}}""", HttpStatusCode.UnsupportedMediaType, ReasonCodes.UnsupportedMediaType, "adv-c1", "text/plain");
        Episode("content type: xml", """<episode id="adv-c2"><x>1</x><y>1</y></episode>""", HttpStatusCode.UnsupportedMediaType, ReasonCodes.UnsupportedMediaType, "adv-c2", "application/xml");
        Episode("content type: form", "id=adv-c3&x=1&y=1", HttpStatusCode.UnsupportedMediaType, ReasonCodes.UnsupportedMediaType, "adv-c3", "application/x-www-form-urlencoded");
        Episode("content type: csv on episodes", "x,y\n1,1\n", HttpStatusCode.UnsupportedMediaType, ReasonCodes.UnsupportedMediaType, null, "text/csv");
        cases["content type: none"] = new Case(HttpMethod.Post, Episodes, null, """{"id":"adv-c4","features":{"x":1,"y":1}}""", HttpStatusCode.UnsupportedMediaType, ReasonCodes.UnsupportedMediaType, "adv-c4");
        cases["content type: xml on feedback"] = new Case(HttpMethod.Post, "/v1/episodes/adv-c5/feedback", "application/xml", "<label>upper</label>", HttpStatusCode.UnsupportedMediaType, ReasonCodes.UnsupportedMediaType);

        // Path traversal in task ids and episode ids.
        void Path(string name, HttpMethod method, string path, HttpStatusCode status, string reason, string? body = null) =>
            cases[name] = new Case(method, path, body is null ? null : json, body, status, reason);
        const string ok = """{"features":{"x":1,"y":1}}""";
        Path("task id: encoded ../", HttpMethod.Post, "/v1/tasks/..%2F..%2Fetc/episodes", HttpStatusCode.BadRequest, ReasonCodes.InvalidId, ok);
        // The client normalizes %2e%2e to '..' and removes the segment: the request reaches no route.
        Path("task id: encoded dots", HttpMethod.Post, "/v1/tasks/%2e%2e/episodes", HttpStatusCode.NotFound, ReasonCodes.RouteNotFound, ok);
        // Kestrel refuses a NUL in the path itself (a bare 400 before any middleware: no problem document is possible).
        Path("task id: NUL", HttpMethod.Get, "/v1/tasks/adversarial%00x", HttpStatusCode.BadRequest, KestrelRefusal);
        Path("task id: backslash", HttpMethod.Post, "/v1/tasks/..%5C..%5Cetc/predict", HttpStatusCode.BadRequest, ReasonCodes.InvalidId, ok);
        Path("task id: bootstrap traversal", HttpMethod.Post, "/v1/tasks/..%2Fadversarial/bootstrap", HttpStatusCode.BadRequest, ReasonCodes.InvalidId, """{"training":[],"golden":[]}""");
        Path("task id: policy traversal", HttpMethod.Put, "/v1/tasks/..%2F..%2Fadversarial/policy", HttpStatusCode.BadRequest, ReasonCodes.InvalidId, """{"klEps":5}""");
        Path("task id: 1000 characters", HttpMethod.Get, "/v1/tasks/" + new string('t', 1000) + "/metrics", HttpStatusCode.BadRequest, ReasonCodes.InvalidId);
        Path("episode id: encoded ../ on get", HttpMethod.Get, "/v1/episodes/..%2F..%2Fstate%2Fcontrol", HttpStatusCode.BadRequest, ReasonCodes.InvalidId);
        Path("episode id: encoded ../ on feedback", HttpMethod.Post, "/v1/episodes/..%2Fadv-x/feedback", HttpStatusCode.BadRequest, ReasonCodes.InvalidId, """{"label":"upper"}""");
        Path("episode id: encoded ../ on delete", HttpMethod.Delete, "/v1/episodes/..%2F..%2Fartifacts", HttpStatusCode.BadRequest, ReasonCodes.InvalidId);
        Path("episode id: dot-dot on get", HttpMethod.Get, "/v1/episodes/a..b", HttpStatusCode.BadRequest, ReasonCodes.InvalidId);
        Path("episode id: unknown on feedback", HttpMethod.Post, "/v1/episodes/adv-never/feedback", HttpStatusCode.NotFound, ReasonCodes.EpisodeNotFound, """{"label":"upper"}""");
        Path("role: traversal", HttpMethod.Post, "/v1/tasks/adversarial/models/..%2Fcritic/rollback", HttpStatusCode.BadRequest, ReasonCodes.InvalidRole);
        return cases;
    }

    private async Task EnsureTaskAsync()
    {
        await s_setup.WaitAsync(Ct);
        try
        {
            if (!s_ready)
            {
                await _http.ReadyTaskAsync(TaskId, seed: 41, new PolicyUpdate { MaxDissonance = 1, DBudgetPerHour = 1_000_000, MinBatch = 1_000_000 });
                s_ready = true;
            }
        }
        finally
        {
            s_setup.Release();
        }
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task Hostile_input_is_refused_with_a_reason_and_stores_nothing(string name)
    {
        await EnsureTaskAsync();
        var c = s_cases[name];
        var before = await _http.MetricsAsync(TaskId);
        using var request = new HttpRequestMessage(c.Method, c.Path);
        if (c.Body is not null)
        {
            request.Content = new ByteArrayContent(c.Raw ?? Encoding.UTF8.GetBytes(c.Body));
            if (c.ContentType is not null)
            {
                request.Content.Headers.ContentType = System.Net.Http.Headers.MediaTypeHeaderValue.Parse(c.ContentType);
            }
        }

        // Large bodies go as real clients send them (Expect: 100-continue, as curl does for large uploads): the refusal arrives before the body is sent.
        request.Headers.ExpectContinue = c.Body?.Length > (1 << 20);
        using var response = await _http.SendAsync(request, Ct);
        tally.Count(response.StatusCode);

        if (c.Reason == KestrelRefusal)
        {
            Assert.Equal(c.Status, response.StatusCode);
        }
        else
        {
            var problem = await response.ProblemAsync(c.Status, c.Reason);
            Assert.False(string.IsNullOrWhiteSpace(problem.GetProperty("title").GetString()), name);
        }

        await AssertNothingStoredAsync(before, c.EpisodeId);
    }

    [Theory]
    [InlineData("X-Skip-Safety", "true")]
    [InlineData("X-Bypass-Safety", "1")]
    [InlineData("X-Gate", "allow")]
    [InlineData("X-Admin", "true")]
    [InlineData("X-Forwarded-For", "127.0.0.1")]
    [InlineData("X-Original-URL", "/v1/tasks/adversarial/learn")]
    [InlineData("X-HTTP-Method-Override", "DELETE")]
    public async Task Headers_that_ask_to_skip_safety_change_nothing(string header, string value)
    {
        await EnsureTaskAsync();

        // Far outside the training data: the gate blocks it as out_of_distribution, with or without the header.
        const string features = """{"x":250,"y":-250}""";
        var suffix = Guid.NewGuid().ToString("N")[..8];
        var plain = await _http.PostJsonAsync(Episodes, $$"""{"id":"adv-plain-{{suffix}}","features":{{features}}}""");
        tally.Count(plain.StatusCode);
        using var request = new HttpRequestMessage(HttpMethod.Post, Episodes)
        {
            Content = new StringContent($$"""{"id":"adv-header-{{suffix}}","features":{{features}}}""", Encoding.UTF8, "application/json"),
        };
        request.Headers.TryAddWithoutValidation(header, value);
        var withHeader = await _http.SendAsync(request, Ct);
        tally.Count(withHeader.StatusCode);

        var a = await plain.ReadAsync<EpisodeResponse>();
        var b = await withHeader.ReadAsync<EpisodeResponse>();
        Assert.False(a.Gate.Allowed);
        Assert.Contains("out_of_distribution", a.Gate.Reasons);
        Assert.Equal(a.Gate.Allowed, b.Gate.Allowed);
        Assert.Equal(a.Gate.Reasons, b.Gate.Reasons);
        Assert.Equal(a.Prediction.Probabilities, b.Prediction.Probabilities);
        Assert.Equal(a.Dissonance, b.Dissonance);
        Assert.Equal(a.ProposerVersion, b.ProposerVersion);
    }

    [Fact]
    public async Task Negative_zero_is_zero()
    {
        await EnsureTaskAsync();

        var negative = await _http.PostJsonAsync($"/v1/tasks/{TaskId}/predict", """{"features":{"x":-0,"y":-0.0}}""");
        var zero = await _http.PostJsonAsync($"/v1/tasks/{TaskId}/predict", """{"features":{"x":0,"y":0}}""");
        tally.Count(negative.StatusCode);
        tally.Count(zero.StatusCode);

        Assert.Equal((await zero.ReadAsync<PredictResponse>()).Probabilities, (await negative.ReadAsync<PredictResponse>()).Probabilities);
    }

    [Fact]
    public async Task A_thousand_concurrent_requests_with_one_idempotency_key_run_once()
    {
        await EnsureTaskAsync();
        var before = await _http.MetricsAsync(TaskId);
        var id = $"adv-once-{Guid.NewGuid():N}";
        var body = $$"""{"id":"{{id}}","features":{"x":0.4,"y":0.3},"label":"lower"}""";

        var responses = await Task.WhenAll(Enumerable.Range(0, 1000).Select(async _ =>
        {
            using var response = await _http.PostJsonAsync(Episodes, body);
            return (response.StatusCode, Body: await response.Content.ReadAsStringAsync(Ct));
        }));
        foreach (var (status, _) in responses)
        {
            tally.Count(status);
        }

        Assert.All(responses, r => Assert.Equal(HttpStatusCode.OK, r.StatusCode));
        var episodes = responses.Select(r => JsonSerializer.Deserialize<EpisodeResponse>(r.Body, Json)!).ToList();
        Assert.Single(episodes, e => !e.Replayed);
        var first = episodes.Single(e => !e.Replayed);
        Assert.All(episodes, e => Assert.Equal(first with { Replayed = e.Replayed }, e, EpisodeComparer.Instance));

        var after = await Eventually.ReturnsAsync(() => _http.MetricsAsync(TaskId), m => m.Learner.EventsConsumed > before.Learner.EventsConsumed, TimeSpan.FromSeconds(30), "the learner taking the episode");
        await Task.Delay(500, Ct);
        after = await _http.MetricsAsync(TaskId);
        Assert.Equal(before.Episodes + 1, after.Episodes);
        Assert.Equal(before.Learnable + 1, after.Learnable);
        Assert.Equal(before.Learner.EventsConsumed + 1, after.Learner.EventsConsumed);
        Assert.Equal(before.Learner.LabeledRows + 1, after.Learner.LabeledRows);
        var record = await (await _http.GetAsync($"/v1/episodes/{id}", Ct)).ReadAsync<EpisodeRecordResponse>();
        Assert.Equal(id, record.Id);
    }

    [Fact]
    public async Task A_body_trickled_in_slower_than_the_request_timeout_is_cut_off_with_408()
    {
        // Its own gateway with a 2 s deadline; Kestrel's minimum data rate alone would allow this trickle for a long time.
        await using var host = new GatewayHost(new() { ["SelfDissonance:Gateway:RequestTimeout"] = "00:00:02" });
        await host.StartAsync();
        await host.Http.ReadyTaskAsync("adv-slow", seed: 43, new PolicyUpdate { MaxDissonance = 1, DBudgetPerHour = 1_000_000 });
        var before = await host.Http.MetricsAsync("adv-slow");
        var body = Encoding.UTF8.GetBytes("""{"id":"adv-slow-1","features":{"x":0.5,"y":0.25}}""");

        // HttpClient buffers a small body and sends it whole, so the trickle goes over a socket of its own, with the
        // shared client's default headers (an API key, when there is one).
        using var tcp = new System.Net.Sockets.TcpClient();
        await tcp.ConnectAsync(host.BaseAddress.Host, host.BaseAddress.Port, Ct);
        var stream = tcp.GetStream();
        var head = new StringBuilder($"POST /v1/tasks/adv-slow/episodes HTTP/1.1\r\nHost: {host.BaseAddress.Authority}\r\nContent-Type: application/json\r\nContent-Length: {body.Length}\r\n");
        foreach (var (name, values) in host.Http.DefaultRequestHeaders)
        {
            head.Append(System.Globalization.CultureInfo.InvariantCulture, $"{name}: {string.Join(", ", values)}\r\n");
        }

        await stream.WriteAsync(Encoding.ASCII.GetBytes(head.Append("\r\n").ToString()), Ct);
        var answer = new MemoryStream();
        var reading = stream.CopyToAsync(answer, Ct);
        try
        {
            foreach (var b in body)
            {
                if (answer.Length > 0 || reading.IsCompleted)
                {
                    // Bytes sent after the server closed would make it reset the connection, which can cost the answer.
                    break;
                }

                await stream.WriteAsync(new[] { b }, Ct);
                await Task.Delay(150, Ct);
            }
        }
        catch (IOException)
        {
            // The server answered and closed while the body was still coming: what this test wants.
        }

        try
        {
            await reading.WaitAsync(TimeSpan.FromSeconds(30), Ct);
        }
        catch (IOException) when (answer.Length > 0)
        {
            // A reset after the answer arrived (a byte was already on its way when the server closed) ends the read.
        }

        var text = Encoding.UTF8.GetString(answer.ToArray());
        var status = (HttpStatusCode)int.Parse(text.Split(' ')[1], System.Globalization.CultureInfo.InvariantCulture);
        tally.Count(status);

        Assert.Equal(HttpStatusCode.RequestTimeout, status);
        Assert.Contains("application/problem+json", text, StringComparison.Ordinal);
        Assert.Contains($"\"reason\":\"{ReasonCodes.RequestTimeout}\"", text, StringComparison.Ordinal);
        Assert.Equal(before.Episodes, (await host.Http.MetricsAsync("adv-slow")).Episodes);
        await (await host.Http.GetAsync("/v1/episodes/adv-slow-1", Ct)).ProblemAsync(HttpStatusCode.NotFound, ReasonCodes.EpisodeNotFound);
    }

    private async Task AssertNothingStoredAsync(TaskMetricsResponse before, string? episodeId)
    {
        var after = await _http.MetricsAsync(TaskId);
        Assert.Equal(before.Episodes, after.Episodes);
        Assert.Equal(before.Learner.EventsConsumed, after.Learner.EventsConsumed);
        Assert.Equal(before.Learner.LabeledRows, after.Learner.LabeledRows);
        if (episodeId is not null)
        {
            await (await _http.GetAsync($"/v1/episodes/{episodeId}", Ct)).ProblemAsync(HttpStatusCode.NotFound, ReasonCodes.EpisodeNotFound);
        }
    }

    /// <summary>Episode answers compared by value, lists included (records compare lists by reference).</summary>
    private sealed class EpisodeComparer : IEqualityComparer<EpisodeResponse>
    {
        public static readonly EpisodeComparer Instance = new();

        public bool Equals(EpisodeResponse? x, EpisodeResponse? y) => JsonSerializer.Serialize(x, Json) == JsonSerializer.Serialize(y, Json);

        public int GetHashCode(EpisodeResponse obj) => JsonSerializer.Serialize(obj, Json).GetHashCode(StringComparison.Ordinal);
    }
}
