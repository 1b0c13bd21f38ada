using System.Collections.Concurrent;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace SelfDissonance.Testing;

/// <summary>
/// An OTLP/HTTP endpoint on a free loopback port that keeps what exporters post to /v1/traces, /v1/metrics and
/// /v1/logs (protobuf bodies, kept as bytes: the tests look for names in them, they do not decode the protocol).
/// </summary>
public sealed class OtlpReceiver : IAsyncDisposable
{
    private readonly ConcurrentDictionary<string, ConcurrentQueue<byte[]>> _posts = new(StringComparer.Ordinal);
    private WebApplication? _app;

    public int Port { get; } = FreePort.Next();

    public string Endpoint => $"http://127.0.0.1:{Port}";

    public async Task StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls(Endpoint);
        _app = builder.Build();
        _app.MapPost("/v1/{signal}", async (string signal, HttpRequest request) =>
        {
            using var body = new MemoryStream();
            await request.Body.CopyToAsync(body);
            _posts.GetOrAdd(signal, _ => new ConcurrentQueue<byte[]>()).Enqueue(body.ToArray());
            return Results.Ok();
        });
        await _app.StartAsync();
    }

    /// <summary>Posts received for one signal (traces, metrics, logs).</summary>
    public IReadOnlyList<byte[]> Posts(string signal) => _posts.TryGetValue(signal, out var q) ? [.. q] : [];

    /// <summary>Whether any post of <paramref name="signal"/> contains <paramref name="text"/> as UTF-8 (how protobuf stores strings).</summary>
    public bool Received(string signal, string text)
    {
        var needle = Encoding.UTF8.GetBytes(text);
        return Posts(signal).Any(p => p.AsSpan().IndexOf(needle) >= 0);
    }

    public async ValueTask DisposeAsync()
    {
        if (_app is not null)
        {
            await _app.DisposeAsync();
        }
    }
}
