using SelfDissonance.Grains.Tests.Ml;
using SelfDissonance.Learning;
using SelfDissonance.Learning.Ml;

namespace SelfDissonance.Grains.Tests.Learning;

/// <summary>The trust-region search on real LightGBM fits: when it stops, and that a stopping silo ends it between fits.</summary>
public sealed class TrustRegionSearchTests
{
    private static readonly ModelShape s_shape = new(2, 2);
    private static readonly List<TrainingRow> s_old = Clusters.Generate([(6, 6), (0, 0)], perClass: 60, seed: 3);
    // The classes moved: a plain retrain is far from the old model, so a near-zero klEps sends the search down its grid.
    private static readonly List<TrainingRow> s_new = Clusters.Generate([(3, 6), (3, 0)], perClass: 60, seed: 4);

    [Theory]
    [InlineData("proposer")]
    [InlineData("critic")]
    public void With_a_near_zero_bound_every_step_is_outside_and_the_candidate_is_rejected(string role)
    {
        var trainer = new CountingTrainer(role == "proposer" ? new LightGbmProposerTrainer() : new RandomForestCriticTrainer());

        var outcome = Search(trainer, klEps: 1e-9, CancellationToken.None);

        Assert.False(outcome.WithinBound);
        Assert.True(outcome.Steps.Length >= 2, "the plain fit and at least one anchored step");
        Assert.Equal(outcome.Steps.Length, trainer.Fits);
        // It stops at the first anchored step that does not lower the KL below the best so far, or at the grid's end.
        var kls = outcome.Steps.Select(s => s.Kl).ToList();
        TestContext.Current.TestOutputHelper?.WriteLine($"{role}: {string.Join(", ", kls)}");
        Assert.True(outcome.Steps.Length == TrustRegionSearch.DefaultGrid.Count + 1 || kls[^1] >= kls[..^1].Min(), string.Join(", ", kls));
        Assert.All(kls[..^1].Skip(1).Zip(kls[..^2]), p => Assert.True(p.First < p.Second, string.Join(", ", kls)));
    }

    [Fact]
    public void A_stopping_silo_ends_the_search_before_its_next_fit()
    {
        using var stopping = new CancellationTokenSource();
        var trainer = new CountingTrainer(new LightGbmProposerTrainer(), afterFit: fits =>
        {
            if (fits == 2)
            {
                stopping.Cancel();
            }
        });

        Assert.Throws<OperationCanceledException>(() => Search(trainer, klEps: 1e-9, stopping.Token));
        Assert.Equal(2, trainer.Fits);
    }

    [Fact]
    public void An_already_stopping_silo_fits_nothing()
    {
        var trainer = new CountingTrainer(new LightGbmProposerTrainer());

        Assert.Throws<OperationCanceledException>(() => Search(trainer, klEps: 1e-9, new CancellationToken(canceled: true)));
        Assert.Equal(0, trainer.Fits);
    }

    private static TrustRegionOutcome Search(IModelTrainer trainer, double klEps, CancellationToken cancellationToken)
    {
        var production = new LightGbmProposerTrainer().Fit(s_shape, s_old).Predictor;
        var inputs = s_old.Concat(s_new).Select(r => r.Features).ToList();
        return new TrustRegionSearch(TrustRegionSearch.DefaultGrid).Run(trainer, s_shape, s_new, production, inputs, inputs, klEps, cancellationToken);
    }

    /// <summary>The real trainer, counting its fits (and acting after each, to stop the search part-way).</summary>
    private sealed class CountingTrainer(IModelTrainer inner, Action<int>? afterFit = null) : IModelTrainer
    {
        public int Fits { get; private set; }

        public string Name => inner.Name;

        public TrainedModel Fit(ModelShape shape, IReadOnlyList<TrainingRow> rows)
        {
            var model = inner.Fit(shape, rows);
            Fits++;
            afterFit?.Invoke(Fits);
            return model;
        }
    }
}
