using SelfDissonance.Learning;
using SelfDissonance.Tasks;

namespace SelfDissonance.Grains.Tests.Learning;

public sealed class LearnerDataTests
{
    private const double DTarget = 0.12;

    private readonly LearnerData _data = new(recentCapacity: 100, maxPseudoCandidates: 100);

    [Fact]
    public void The_same_episode_ingested_twice_counts_once()
    {
        Assert.True(_data.Ingest(Episode("e1", label: null, criticTop: 1, d: 0.3)));
        Assert.False(_data.Ingest(Episode("e1", label: null, criticTop: 1, d: 0.3)));

        Assert.Equal(1, _data.Sequence);
        Assert.Equal(1, _data.Duplicates);
        Assert.Equal(1, _data.ConsumedCount("e1"));
        Assert.Equal(1, _data.PseudoCount);
        Assert.Equal(1, _data.EpisodesSinceCycle);
        Assert.Equal(0.3, _data.DissonanceSumSinceCycle, 1e-12);
    }

    [Fact]
    public void The_same_labeled_episode_ingested_twice_gives_one_ground_truth_row()
    {
        _data.Ingest(Episode("e1", label: 0, criticTop: 1, d: 0.3));
        _data.Ingest(Episode("e1", label: 0, criticTop: 1, d: 0.3));

        Assert.Equal(1, _data.LabeledCount);
        Assert.Equal(1, _data.LabeledCountFor("e1"));
        Assert.Equal(0, _data.PseudoCount);
    }

    [Fact]
    public void A_labeled_episode_is_ground_truth_not_a_pseudo_candidate()
    {
        _data.Ingest(Episode("e1", label: 2, criticTop: 1, d: 0.4));

        var record = Assert.Single(_data.Labeled);
        Assert.Equal("e1", record.EpisodeId);
        Assert.Equal(2, record.Label);
        Assert.Empty(_data.Pseudo);
    }

    [Fact]
    public void Feedback_turns_an_unlabeled_episode_into_a_labeled_one()
    {
        _data.Ingest(Episode("e1", label: null, criticTop: 1, d: 0.4));
        Assert.Equal(1, _data.PseudoCount);

        Assert.True(_data.Ingest(Feedback("e1", label: 0)));

        Assert.Equal(0, _data.PseudoCount);
        Assert.Equal(1, _data.LabeledCount);
        Assert.Equal(1, _data.LabeledCountFor("e1"));
        var row = Assert.Single(_data.ProposerRows(lambda: 0.05, DTarget, out var pseudoRows));
        Assert.Equal(0, pseudoRows);
        Assert.Equal(0, row.Label);
        Assert.Equal(1f, row.Weight);
    }

    [Fact]
    public void Repeated_feedback_counts_once()
    {
        _data.Ingest(Episode("e1", label: null, criticTop: 1, d: 0.4));

        Assert.True(_data.Ingest(Feedback("e1", label: 0)));
        Assert.False(_data.Ingest(Feedback("e1", label: 0)));

        Assert.Equal(1, _data.LabeledCount);
        Assert.Equal(1, _data.Duplicates);
    }

    [Fact]
    public void Feedback_for_an_episode_that_already_had_a_label_is_a_duplicate()
    {
        _data.Ingest(Episode("e1", label: 1, criticTop: 1, d: 0.4));

        Assert.False(_data.Ingest(Feedback("e1", label: 1)));

        Assert.Equal(1, _data.LabeledCount);
    }

    [Fact]
    public void Feedback_without_a_label_is_ignored()
    {
        _data.Ingest(Episode("e1", label: null, criticTop: 1, d: 0.4));

        Assert.False(_data.Ingest(Feedback("e1", label: null)));

        Assert.Equal(0, _data.LabeledCount);
        Assert.Equal(1, _data.PseudoCount);
    }

    [Fact]
    public void Feedback_arriving_before_its_episode_keeps_the_episode_out_of_the_pseudo_candidates()
    {
        Assert.True(_data.Ingest(Feedback("e1", label: 0)));
        Assert.True(_data.Ingest(Episode("e1", label: null, criticTop: 1, d: 0.4)));

        Assert.Equal(1, _data.LabeledCount);
        Assert.Equal(0, _data.PseudoCount);
    }

    [Fact]
    public void A_labeled_episode_arriving_after_feedback_for_the_same_id_gives_one_ground_truth_row()
    {
        // The learner's contract: ingestion is idempotent by episode id, at most one ground-truth row per episode.
        _data.Ingest(Feedback("e1", label: 0));
        _data.Ingest(Episode("e1", label: 0, criticTop: 1, d: 0.4));

        Assert.Equal(1, _data.LabeledCount);
    }

    [Fact]
    public void Pseudo_candidates_since_the_cycle_are_those_strictly_above_the_target()
    {
        _data.Ingest(Episode("below", label: null, criticTop: 1, d: 0.1));
        _data.Ingest(Episode("at", label: null, criticTop: 1, d: DTarget));
        _data.Ingest(Episode("above", label: null, criticTop: 1, d: 0.3));
        _data.Ingest(Episode("labeled", label: 1, criticTop: 1, d: 0.3));

        Assert.Equal(1, _data.PseudoSinceCycle(DTarget));
        Assert.Equal(3, _data.PseudoSinceCycle(0.05));
    }

    [Fact]
    public void Marking_a_cycle_resets_the_since_cycle_statistics()
    {
        _data.Ingest(Episode("e1", label: null, criticTop: 1, d: 0.3));
        _data.Ingest(Episode("e2", label: null, criticTop: 1, d: 0.5));
        Assert.Equal(2, _data.EpisodesSinceCycle);
        Assert.Equal(0.8, _data.DissonanceSumSinceCycle, 1e-12);

        _data.MarkCycle();

        Assert.Equal(0, _data.EpisodesSinceCycle);
        Assert.Equal(0.0, _data.DissonanceSumSinceCycle);
        Assert.Equal(0, _data.PseudoSinceCycle(DTarget));

        _data.Ingest(Episode("e3", label: null, criticTop: 1, d: 0.2));
        Assert.Equal(1, _data.EpisodesSinceCycle);
        Assert.Equal(1, _data.PseudoSinceCycle(DTarget));
        Assert.Equal(3, _data.PseudoCount);
    }

    [Fact]
    public void Proposer_rows_weigh_labeled_rows_one_and_pseudo_rows_lambda_times_squared_excess()
    {
        const double Lambda = 0.05;
        _data.AddBootstrap([new LabeledExample([1f, 1f], 0), new LabeledExample([2f, 2f], 1)]);
        _data.Ingest(Episode("labeled", label: 1, criticTop: 0, d: 0.45, features: [3f, 3f]));
        _data.Ingest(Episode("pseudo", label: null, criticTop: 2, d: 0.32, features: [4f, 4f]));
        _data.Ingest(Episode("calm", label: null, criticTop: 0, d: 0.05, features: [5f, 5f]));

        var rows = _data.ProposerRows(Lambda, DTarget, out var pseudoRows);

        Assert.Equal(1, pseudoRows);
        Assert.Equal(4, rows.Count);
        Assert.All(rows.Where(r => r.Features[0] <= 3f), r => Assert.Equal(1f, r.Weight));
        var pseudo = Assert.Single(rows, r => r.Features[0] == 4f);
        Assert.Equal(2, pseudo.Label); // the critic's top class
        Assert.Equal((float)(Lambda * 0.2 * 0.2), pseudo.Weight, 1e-7f);
        Assert.DoesNotContain(rows, r => r.Features[0] == 5f);
    }

    [Fact]
    public void Proposer_rows_with_lambda_zero_are_ground_truth_only()
    {
        _data.AddBootstrap([new LabeledExample([1f], 0)]);
        _data.Ingest(Episode("pseudo", label: null, criticTop: 1, d: 0.4, features: [4f]));

        var rows = _data.ProposerRows(lambda: 0, DTarget, out var pseudoRows);

        Assert.Equal(0, pseudoRows);
        Assert.Equal(0, Assert.Single(rows).Label);
    }

    [Fact]
    public void Pseudo_rows_follow_the_target_given_at_training_time()
    {
        _data.Ingest(Episode("p", label: null, criticTop: 1, d: 0.2, features: [4f]));

        _data.ProposerRows(0.05, dTarget: 0.12, out var loose);
        _data.ProposerRows(0.05, dTarget: 0.25, out var strict);

        Assert.Equal(1, loose);
        Assert.Equal(0, strict);
    }

    [Fact]
    public void Critic_rows_are_ground_truth_only_with_weight_one()
    {
        _data.AddBootstrap([new LabeledExample([1f], 0), new LabeledExample([2f], 1)]);
        _data.Ingest(Episode("labeled", label: 1, criticTop: 0, d: 0.45, features: [3f]));
        _data.Ingest(Episode("pseudo", label: null, criticTop: 2, d: 0.45, features: [4f]));

        var rows = _data.CriticRows();

        Assert.Equal([1f, 2f, 3f], rows.Select(r => r.Features[0]));
        Assert.Equal([0, 1, 1], rows.Select(r => r.Label));
        Assert.All(rows, r => Assert.Equal(1f, r.Weight));
    }

    [Fact]
    public void Pseudo_candidates_are_capped_dropping_the_oldest()
    {
        var data = new LearnerData(recentCapacity: 10, maxPseudoCandidates: 2);

        data.Ingest(Episode("e1", label: null, criticTop: 1, d: 0.3));
        data.Ingest(Episode("e2", label: null, criticTop: 1, d: 0.3));
        data.Ingest(Episode("e3", label: null, criticTop: 1, d: 0.3));

        Assert.Equal(["e2", "e3"], data.Pseudo.Select(p => p.EpisodeId).Order(StringComparer.Ordinal));
    }

    [Fact]
    public void Recent_inputs_keep_the_latest_up_to_capacity()
    {
        var data = new LearnerData(recentCapacity: 2, maxPseudoCandidates: 10);

        data.Ingest(Episode("e1", label: null, criticTop: 1, d: 0.3, features: [1f]));
        data.Ingest(Episode("e2", label: 0, criticTop: 1, d: 0.3, features: [2f]));
        data.Ingest(Episode("e3", label: null, criticTop: 1, d: 0.3, features: [3f]));

        Assert.Equal([2f, 3f], data.Recent.Select(f => f[0]));
    }

    [Fact]
    public void Statistics_describe_the_latest_labeled_rows_and_the_recent_inputs()
    {
        // The out-of-distribution check follows the traffic: an unlabeled recent input counts as much as a labeled row.
        _data.AddBootstrap([new LabeledExample([1f], 0), new LabeledExample([3f], 1)]);
        _data.Ingest(Episode("pseudo", label: null, criticTop: 1, d: 0.4, features: [101f]));

        var s = _data.Statistics();

        Assert.Equal(3, s.Rows);
        Assert.Equal(35.0, s.Mean[0], 1e-9);
    }

    private static LearningEvent Episode(string id, int? label, int criticTop, double d, float[]? features = null) =>
        new(LearningEventKind.Episode, id, [.. features ?? [0.5f, 0.5f]], label, criticTop, d, 1, DateTimeOffset.UnixEpoch);

    private static LearningEvent Feedback(string id, int? label) =>
        new(LearningEventKind.Feedback, id, [0.5f, 0.5f], label, 0, 0.4, 1, DateTimeOffset.UnixEpoch);
}
