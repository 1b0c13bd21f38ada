using System.Collections.Immutable;
using BenchmarkDotNet.Attributes;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Serialization;
using SelfDissonance.Episodes;
using SelfDissonance.Safety;

namespace SelfDissonance.Benchmarks;

/// <summary>The Orleans serializer on an episode's stored record (what each episode writes to grain storage) and its request.</summary>
[MemoryDiagnoser]
public class SerializationBenchmarks
{
    private ServiceProvider _services = null!;
    private Serializer _serializer = null!;
    private EpisodeState _state = null!;
    private EpisodeRequest _request = null!;
    private byte[] _stateBytes = [];

    public static EpisodeState SampleState()
    {
        var now = DateTimeOffset.UtcNow;
        var prediction = new Prediction(0, "upper", [0.82, 0.18]);
        var record = new EpisodeRecord(
            Guid.NewGuid().ToString("N"), "bench", EpisodeStatus.Completed, EpisodeSource.Sync, [0.5f, 0.25f], "upper", null,
            new Proposal(prediction, 1, false),
            new Critique(new Prediction(0, "upper", [0.7, 0.3]), 1, 0.12, 0.01, false),
            new GateVerdict(true, ImmutableArray<string>.Empty, 0.8),
            now, now, null, true);
        return new EpisodeState { Record = record };
    }

    [GlobalSetup]
    public void Setup()
    {
        _services = new ServiceCollection().AddSerializer(b => b.AddAssembly(typeof(EpisodeState).Assembly).AddAssembly(typeof(EpisodeRecord).Assembly)).BuildServiceProvider();
        _serializer = _services.GetRequiredService<Serializer>();
        _state = SampleState();
        _request = new EpisodeRequest("bench", Guid.NewGuid().ToString("N"), [0.5f, 0.25f], null, EpisodeSource.Sync, DateTimeOffset.UtcNow);
        _stateBytes = _serializer.SerializeToArray(_state);
    }

    [GlobalCleanup]
    public void Cleanup() => _services.Dispose();

    [Benchmark]
    public int SerializeEpisodeState() => _serializer.SerializeToArray(_state).Length;

    [Benchmark]
    public string? DeserializeEpisodeState() => _serializer.Deserialize<EpisodeState>(_stateBytes)?.Record?.Id;

    [Benchmark]
    public int SerializeEpisodeRequest() => _serializer.SerializeToArray(_request).Length;
}
