using BenchmarkDotNet.Attributes;
using SelfDissonance.Learning.Ml;

namespace SelfDissonance.Benchmarks;

/// <summary>
/// One prediction of each role's model as served (tree models from their scorers, other models through pooled
/// PredictionEngines; a normalized distribution), and a batch of 1,000 rows as /predict runs it. The mixture is the most
/// a trust-region step promotes: two LightGBM members (the costliest family per prediction), against the single
/// LightGBM proposer served before the learning rework, which ran on ML.NET's engine (the *OnEngine rows).
/// </summary>
[MemoryDiagnoser]
public class PredictionBenchmarks
{
    private ModelPredictor _proposer = null!;
    private ModelPredictor _critic = null!;
    private ModelPredictor _maxEnt = null!;
    private ModelPredictor _mixtureOfTwo = null!;
    private ModelPredictor _proposerOnEngine = null!;
    private ModelPredictor _criticOnEngine = null!;
    private float[][] _inputs = [];
    private double[] _probabilities = new double[2];

    [GlobalSetup]
    public void Setup()
    {
        var rows = TwoMoonsRows.Generate(2_000, 1);
        var training = TwoMoonsRows.Training(rows);
        var proposer = new LightGbmTrainer().Fit(TwoMoonsRows.Shape, training);
        var critic = new RandomForestTrainer().Fit(TwoMoonsRows.Shape, training);
        _proposer = proposer.Predictor;
        _critic = critic.Predictor;
        _proposerOnEngine = proposer.EnginePredictor();
        _criticOnEngine = critic.EnginePredictor();
        _maxEnt = new MaxEntTrainer().Fit(TwoMoonsRows.Shape, training).Predictor;
        var members = Enumerable.Range(0, 2)
            .Select(i => new LightGbmTrainer().Fit(TwoMoonsRows.Shape, TwoMoonsRows.Training(TwoMoonsRows.Generate(2_000, 10 + i))))
            .ToList();
        _mixtureOfTwo = TrainedModel.Mix([(members[0], 0.4), (members[1], 0.6)]).Predictor;
        _inputs = [.. TwoMoonsRows.Generate(1_000, 2).Select(r => r.Features.ToArray())];
        _probabilities = new double[TwoMoonsRows.Shape.Classes];
    }

    [Benchmark]
    public double Proposer()
    {
        _proposer.Predict(_inputs[0], _probabilities);
        return _probabilities[0];
    }

    [Benchmark]
    public double Critic()
    {
        _critic.Predict(_inputs[0], _probabilities);
        return _probabilities[0];
    }

    [Benchmark(Baseline = true)]
    public double ProposerOnEngine()
    {
        _proposerOnEngine.Predict(_inputs[0], _probabilities);
        return _probabilities[0];
    }

    [Benchmark]
    public double CriticOnEngine()
    {
        _criticOnEngine.Predict(_inputs[0], _probabilities);
        return _probabilities[0];
    }

    [Benchmark]
    public double MaxEntProposer()
    {
        _maxEnt.Predict(_inputs[0], _probabilities);
        return _probabilities[0];
    }

    [Benchmark]
    public double MixtureOfTwoLightGbm()
    {
        _mixtureOfTwo.Predict(_inputs[0], _probabilities);
        return _probabilities[0];
    }

    [Benchmark]
    public double ProposerBatchOf1000()
    {
        var sum = 0.0;
        foreach (var x in _inputs)
        {
            _proposer.Predict(x, _probabilities);
            sum += _probabilities[0];
        }

        return sum;
    }
}
